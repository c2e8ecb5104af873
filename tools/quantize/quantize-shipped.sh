#!/usr/bin/env bash
# Rewrites the q8 / q4 variants of every shipped checkpoint from its fp32 graphs (run after a re-export).
# Usage: quantize-shipped.sh [MODELS_DIR [NAME...]] (default: ../../models, all three).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
models="${1:-$here/../../models}"
names=(mgm-tiny mgm-tiny-hd llava-tiny)
[ $# -gt 1 ] && names=("${@:2}")
for name in "${names[@]}"; do
  (cd "$here" && /usr/bin/python3 -m mgm_quantize "$models/$name" --dtype q8 --dtype q4 >/dev/null)
  du -b "$models/$name" | awk -v n="$name" '{ printf "%s: %.1f MB on disk\n", n, $1 / 1e6 }'
done
