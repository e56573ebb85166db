#!/usr/bin/env bash
# Installs what the article's own TypeScript client (dmap-client.ts, copied unchanged from
# seed/dmap-article.txt) needs to run: zod, and tsx to run TypeScript on Node. Pinned, cached in
# ~/.cache/dmap/article-client for GatewayOnlineIT; a second run takes no time.
set -euo pipefail
ZOD="${DMAP_ZOD_VERSION:-3.24.4}"
TSX="${DMAP_TSX_VERSION:-4.20.6}"
PREFIX="${DMAP_ARTICLE_CLIENT:-$HOME/.cache/dmap/article-client}"
have() { node -p "require('$PREFIX/node_modules/$1/package.json').version" 2>/dev/null || true; }
if [ "$(have zod)" = "$ZOD" ] && [ "$(have tsx)" = "$TSX" ]; then
  echo "zod $ZOD and tsx $TSX already in $PREFIX"
  exit 0
fi
mkdir -p "$PREFIX"
started=$SECONDS
(cd "$PREFIX" && npm install --silent --no-audit --no-fund --no-save "zod@$ZOD" "tsx@$TSX")
echo "zod $ZOD and tsx $TSX installed in $PREFIX ($((SECONDS - started)) s)"
