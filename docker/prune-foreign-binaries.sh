#!/bin/sh
# onnxruntime-node ships its native library for every platform it supports (darwin, win32 and
# linux, arm64 and x64: 288 MB); an image runs on one. Keeps the one this node runs on, under the
# node_modules of the working directory. Run after `npm prune --omit=dev` in the image's build stage.
set -eu
platform="$(node -p 'process.platform + "/" + process.arch')"
kept=0
for dir in node_modules/onnxruntime-node/bin/napi-v*/*/*; do
  case "$dir" in
    */"$platform") kept=1 ;;
    *) rm -rf "$dir" ;;
  esac
done
if [ "$kept" -ne 1 ]; then
  echo "prune-foreign-binaries: onnxruntime-node has no binary for $platform" >&2
  exit 1
fi
