#!/usr/bin/env bash
# Trains the three shipped checkpoints on 2 CPU cores (how they were made; timings in README):
#   stage 0   pretrains the towers on dense scene labels (one pair of towers for all three);
#   stage 1a  mining + projector + LLM with the towers frozen, 1 200 steps of 16: the loss
#             averaged over tokens for the first half, then over answers;
#   stage 1b  600 more steps from 1a's weights, loss per answer, a fresh warm-up and fresh samples;
#   HD        mgm-tiny-hd from mgm-tiny's weights (same parameters, larger inputs), 9 minutes.
# llava-tiny (the ablation) sees the same stages, steps and samples as mgm-tiny. Then each
# checkpoint is evaluated on the test split. Run from anywhere; writes tools/mgm-tiny/work-cpu/;
# ship.sh then exports what it wrote to models/.
set -euo pipefail
cd "$(dirname "$0")"
py=/usr/bin/python3
export PYTHONUNBUFFERED=1
w=work-cpu
TOWERS_S=${TOWERS_S:-1500}
STEPS=${STEPS:-1200}
MORE=${MORE:-600}
HD_S=${HD_S:-540}
mkdir -p "$w/logs"
$py -m mgm_tiny.prepare --work "$w" --eval-out "$w/eval" > "$w/logs/prepare.log"
if [ ! -f "$w/towers.pt" ]; then
  $py -m mgm_tiny.pretrain_towers --out "$w/towers.pt" --exclude "$w/heldout-keys.json" --steps 3000 \
    --time-budget "$TOWERS_S" --log-every 50 > "$w/logs/towers.log" 2>&1
fi
stage1() { # name, output folder, log name, then extra arguments
  local name=$1 out=$2 log=$3
  shift 3
  $py -m mgm_tiny.train --name "$name" --out "$out" --recipe cpu --towers "$w/towers.pt" --aux-weight 0.3 \
    --max-tokens 112 --tokenizer "$w/tokenizer.json" --exclude "$w/heldout-keys.json" --batch 16 \
    --workers 0 --threads 2 --log-every 50 --save-every 250 "$@" > "$w/logs/$log.log" 2>&1
}
for name in mgm-tiny llava-tiny; do
  stage1 "$name" "$w/$name-a" "$name" --steps "$STEPS" --lr 2.5e-3 --warmup 100 --per-answer-from $((STEPS / 2))
  stage1 "$name" "$w/$name" "$name-b" --steps "$MORE" --lr 1.5e-3 --warmup 50 --per-answer --seed 1 \
    --init-from "$w/$name-a/model.pt"
done
stage1 mgm-tiny-hd "$w/mgm-tiny-hd" mgm-tiny-hd --steps 100000 --time-budget "$HD_S" --lr 1.5e-3 --warmup 50 \
  --per-answer --init-from "$w/mgm-tiny/model.pt"
for name in mgm-tiny llava-tiny mgm-tiny-hd; do
  $py -m mgm_tiny.evaluate --ckpt "$w/$name/model.pt" --tokenizer "$w/tokenizer.json" --set "$w/eval/test.jsonl" \
    --out "$w/$name/test-eval.json" | tee -a "$w/logs/eval.log"
done
