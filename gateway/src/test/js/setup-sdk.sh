#!/usr/bin/env bash
# Installs OpenAI's official Node SDK (pinned) into ~/.cache/dmap/openai-node for GatewaySdkIT and the
# docs' examples; a second run takes no time.
set -euo pipefail
VERSION="${DMAP_OPENAI_NODE_VERSION:-7.59.0}"
PREFIX="${DMAP_OPENAI_NODE:-$HOME/.cache/dmap/openai-node}"
installed="$(node -p "require('$PREFIX/node_modules/openai/package.json').version" 2>/dev/null || true)"
if [ "$installed" = "$VERSION" ]; then
  echo "openai SDK $VERSION already in $PREFIX"
  exit 0
fi
mkdir -p "$PREFIX"
started=$SECONDS
(cd "$PREFIX" && npm install --silent --no-audit --no-fund --no-save "openai@$VERSION")
echo "openai SDK $VERSION installed in $PREFIX ($((SECONDS - started)) s)"
