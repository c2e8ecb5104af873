#!/usr/bin/env bash
# MGM-Tiny v5, leg C (issue 13, fifth session): mgm-tiny-hd only. v5 B (shipped) binds best of
# all (test colour 99.3, position 97.4) but reads less well than v5 A, which had trained HD longer
# in its own layout (text 72.9 against 84.5). C continues B for a short low-rate leg with the
# reading questions drawn more often (text 4.5 instead of 3.0; colour and position kept at B's 1.5
# and 1.8), both cores on the one run. Validation decides whether C replaces B.
set -euo pipefail
cd "$(dirname "$0")"
. ./train-common.sh
STEPS_C=${STEPS_C:-600}
prepare_work
[ -f "$w/mgm-tiny-hd-v5b/model.pt" ] || { echo "$w/mgm-tiny-hd-v5b/model.pt is missing: run train-v5-hd.sh first" >&2; exit 1; }
# train() sets --threads 1 and text=3.0; the later flags below replace them (the last one given wins).
train mgm-tiny-hd mgm-tiny-hd-v5c --lr 4e-4 --warmup 10 --seed 13 --steps "$STEPS_C" --threads 2 \
  --init-from "$w/mgm-tiny-hd-v5b/model.pt" --type-weight text=4.5 --type-weight colour=1.5 --type-weight position=1.8
score mgm-tiny-hd-v5c
