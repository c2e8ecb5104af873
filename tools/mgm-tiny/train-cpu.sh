#!/usr/bin/env bash
# The CPU recipe (an experiment; the shipped checkpoints come from gpu-train.sh): stage 0 pretrains
# the towers on dense scene labels, stage 1 trains mining + projector + LLM with the towers frozen.
# Both cores every step. Writes work-cpu/ (its own data: the code printed at 3x, see README).
# Run from tools/mgm-tiny; then evaluate with
#   MGM_TINY_TEXT_SCALE=3 python3 -m mgm_tiny.evaluate --ckpt work-cpu/<name>/model.pt \
#     --tokenizer work-cpu/tokenizer.json --set work-cpu/eval/test.jsonl
set -euo pipefail
cd "$(dirname "$0")"
py=/usr/bin/python3
export PYTHONUNBUFFERED=1 MGM_TINY_TEXT_SCALE=${MGM_TINY_TEXT_SCALE:-3}
w=work-cpu
TOWERS_S=${TOWERS_S:-1500}
STEPS=${STEPS:-604}
HD_S=${HD_S:-600}
mkdir -p "$w/logs"
$py -m mgm_tiny.prepare --work "$w" --eval-out "$w/eval" > "$w/logs/prepare.log"
if [ ! -f "$w/towers.pt" ]; then
  $py -m mgm_tiny.pretrain_towers --out "$w/towers.pt" --exclude "$w/heldout-keys.json" --steps 3000 \
    --time-budget "$TOWERS_S" --log-every 50 > "$w/logs/towers.log" 2>&1
fi
stage1() { # name, then extra arguments
  local name=$1
  shift
  $py -m mgm_tiny.train --name "$name" --out "$w/$name" --recipe cpu --towers "$w/towers.pt" --aux-weight 0.3 \
    --max-tokens 112 --per-answer --tokenizer "$w/tokenizer.json" --exclude "$w/heldout-keys.json" --batch 16 --lr 2.5e-3 \
    --warmup 100 --workers 0 --threads 2 --log-every 50 --save-every 250 "$@" > "$w/logs/$name.log" 2>&1
}
stage1 mgm-tiny --steps "$STEPS"
stage1 llava-tiny --steps "$STEPS"   # the ablation sees the same data
stage1 mgm-tiny-hd --steps 100000 --time-budget "$HD_S" --init-from "$w/mgm-tiny/model.pt"
