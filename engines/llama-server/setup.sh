#!/usr/bin/env bash
# Builds a real llama.cpp llama-server and three tiny generated GGUF models into a cache outside the
# clone: ~/.cache/dmap/llama-server/node-llama-cpp-<version>, linked as ~/.cache/dmap/llama-server/current
# (what the tests and `./dmap real-engine` use). Idempotent: every finished step is skipped on a re-run
# (about a second), and an interrupted build resumes where ninja stopped. Cold: about 6 min on 2 idle cores.
#
# The llama.cpp source is the git bundle that the npm package node-llama-cpp ships for local builds;
# the models use llama.cpp's own gguf-py and vocabulary files from that tree (random weights, real
# tokenizers: gibberish text, real tokenization, slots, context limits and errors).
#
# Output: $CACHE/bin/llama-server and $CACHE/models/*.gguf
# Env: DMAP_ENGINE_CACHE (the cache dir itself, no version link), NLC_VERSION (node-llama-cpp, pinned),
# JOBS (build jobs).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
NLC_VERSION="${NLC_VERSION:-3.22.1}"
ROOT="$HOME/.cache/dmap/llama-server"
CACHE="${DMAP_ENGINE_CACHE:-$ROOT/node-llama-cpp-$NLC_VERSION}"
JOBS="${JOBS:-2}"
mkdir -p "$CACHE"
log() { echo "llama-server setup: $*"; }
step_start=$(date +%s)

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }
missing=()
for tool in cmake ninja g++ git npm; do command -v "$tool" >/dev/null 2>&1 || missing+=("$tool"); done
/usr/bin/python3 -c 'import numpy' >/dev/null 2>&1 || missing+=(python3-numpy)
if [ ${#missing[@]} -gt 0 ]; then
  pkgs=("${missing[@]/ninja/ninja-build}")
  log "installing ${pkgs[*]}"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${pkgs[@]}" >/dev/null
fi

if [ ! -f "$CACHE/npm/package/llama/gitRelease.bundle" ]; then
  log "npm pack node-llama-cpp@$NLC_VERSION"
  rm -rf "$CACHE/npm" && mkdir -p "$CACHE/npm"
  (cd "$CACHE/npm" && npm pack --silent "node-llama-cpp@$NLC_VERSION" >/dev/null \
    && tar -xzf node-llama-cpp-*.tgz package/llama/gitRelease.bundle && rm -f node-llama-cpp-*.tgz)
fi

if [ ! -d "$CACHE/src/tools/server" ]; then
  log "cloning the llama.cpp bundle"
  rm -rf "$CACHE/src"
  git clone -q "$CACHE/npm/package/llama/gitRelease.bundle" "$CACHE/src"
fi

if [ ! -x "$CACHE/bin/llama-server" ]; then
  if [ ! -f "$CACHE/src/build/build.ninja" ]; then
    log "configuring"
    cmake -S "$CACHE/src" -B "$CACHE/src/build" -G Ninja -DCMAKE_BUILD_TYPE=Release \
      -DBUILD_SHARED_LIBS=OFF -DGGML_NATIVE=ON -DLLAMA_BUILD_TESTS=OFF -DLLAMA_BUILD_EXAMPLES=OFF \
      -DLLAMA_BUILD_APP=OFF -DLLAMA_BUILD_UI=OFF -DLLAMA_USE_PREBUILT_UI=OFF -DLLAMA_OPENSSL=OFF \
      -DLLAMA_CURL=OFF >"$CACHE/configure.log" 2>&1 || { tail -30 "$CACHE/configure.log"; exit 1; }
  fi
  log "building llama-server with $JOBS jobs (about 6 min on 2 idle cores, 35 on busy ones; resumable; log: $CACHE/build.log)"
  build_start=$(date +%s)
  cmake --build "$CACHE/src/build" --target llama-server -j "$JOBS" >"$CACHE/build.log" 2>&1 \
    || { tail -30 "$CACHE/build.log"; exit 1; }
  log "built in $(( $(date +%s) - build_start )) s"
  mkdir -p "$CACHE/bin"
  cp "$CACHE/src/build/bin/llama-server" "$CACHE/bin/llama-server.tmp"
  mv "$CACHE/bin/llama-server.tmp" "$CACHE/bin/llama-server"
fi

if [ ! -f "$CACHE/models/.done" ]; then
  log "generating tiny models"
  mkdir -p "$CACHE/models"
  PYTHONPATH="$CACHE/src/gguf-py" /usr/bin/python3 "$here/make_tiny_models.py" "$CACHE/src/models" "$CACHE/models"
  touch "$CACHE/models/.done"
fi

if [ -z "${DMAP_ENGINE_CACHE:-}" ]; then ln -sfn "node-llama-cpp-$NLC_VERSION" "$ROOT/current"; fi
"$CACHE/bin/llama-server" --version 2>&1 | grep -m1 -i version || true
log "ready in $(( $(date +%s) - step_start )) s: $CACHE/bin/llama-server, models in $CACHE/models"
