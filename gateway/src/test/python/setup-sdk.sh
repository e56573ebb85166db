#!/usr/bin/env bash
# Installs OpenAI's official Python SDK (pinned) into a venv at ~/.cache/dmap/openai-python for GatewaySdkIT,
# from whatever index pip is configured with; a second run takes no time. Exits non-zero when pip
# cannot get the package (the test then says why it is skipped, unless DMAP_REQUIRE_OPENAI_PYTHON=true).
set -euo pipefail
VERSION="${DMAP_OPENAI_PYTHON_VERSION:-3.22.1}"
VENV="${DMAP_OPENAI_PYTHON:-$HOME/.cache/dmap/openai-python}"
installed="$("$VENV/bin/python" -c 'import openai; print(openai.__version__)' 2>/dev/null || true)"
if [ "$installed" = "$VERSION" ]; then
  echo "openai Python SDK $VERSION already in $VENV"
  exit 0
fi
started=$SECONDS
python3 -m venv "$VENV"
"$VENV/bin/pip" install --quiet --retries 0 --timeout 20 "openai==$VERSION"
echo "openai Python SDK $VERSION installed in $VENV ($((SECONDS - started)) s)"
