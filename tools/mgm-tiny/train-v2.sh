#!/usr/bin/env bash
# MGM-Tiny v2 (issue 13): the dual-resolution checkpoints trained as MGM trains them, against an
# LLM that already works. Starts from what ships (train-cpu.sh's checkpoints, rebuilt from the
# ONNX graphs by import_onnx), then three runs side by side on 2 cores, one thread each:
#   llava-tiny   continues for STEPS steps (the ablation sees every step mgm-tiny's LLM sees);
#   mgm-tiny     LLM, embeddings and mm_projector from llava-tiny, mining value projector started
#                at zero (so step 0 answers as llava-tiny does), the same STEPS steps and samples;
#   mgm-tiny-hd  the same start, HD inputs (2x2 crops + global view, 180 tokens), vicuna_v1,
#                HD_STEPS steps of the same stream (255: what an hour-long budget left it on a
#                shared 2-core machine).
# Then each is scored on the validation split (recipe choices) and once on the test split.
set -euo pipefail
cd "$(dirname "$0")"
py=/usr/bin/python3
export PYTHONUNBUFFERED=1
w=${W:-work-cpu}
STEPS=${STEPS:-1200}
HD_STEPS=${HD_STEPS:-255}
mkdir -p "$w/logs"
$py -m mgm_tiny.prepare --work "$w" --eval-out "$w/eval" > "$w/logs/prepare.log"
for n in llava-tiny mgm-tiny; do
  [ -f "$w/shipped-$n/model.pt" ] || $py -m mgm_tiny.import_onnx --folder "../../models/$n" \
    --tokenizer "$w/tokenizer.json" --out "$w/shipped-$n/model.pt" $([ "$n" = mgm-tiny ] && echo --towers-out "$w/towers.pt")
done
run() { # name, log, then extra arguments
  local name=$1 log=$2
  shift 2
  $py -m mgm_tiny.train --name "$name" --recipe cpu --towers "$w/towers.pt" --aux-weight 0.3 --max-tokens 112 \
    --tokenizer "$w/tokenizer.json" --exclude "$w/heldout-keys.json" --batch 16 --workers 0 --threads 1 \
    --log-every 50 --save-every 100 --lr 1.5e-3 --warmup 50 --per-answer --seed 2 "$@" > "$w/logs/$log.log" 2>&1
}
score() { # name
  for split in val test; do
    local set="$w/eval/test.jsonl"
    [ "$split" = val ] && set="$w/val.jsonl"
    $py -m mgm_tiny.evaluate --ckpt "$w/$1/model.pt" --tokenizer "$w/tokenizer.json" --set "$set" --threads 1 \
      --out "$w/$1/$split-eval.json" | tee -a "$w/logs/eval.log"
  done
}
(run llava-tiny llava-tiny-v2 --out "$w/llava-tiny" --steps "$STEPS" --init-from "$w/shipped-llava-tiny/model.pt" && score llava-tiny) &
(run mgm-tiny mgm-tiny-v2 --out "$w/mgm-tiny" --steps "$STEPS" --init-llm-from "$w/shipped-llava-tiny/model.pt" \
  --zero-start-mining && score mgm-tiny) &
(run mgm-tiny-hd mgm-tiny-hd-v2 --out "$w/mgm-tiny-hd" --steps "$HD_STEPS" \
  --init-llm-from "$w/shipped-llava-tiny/model.pt" --zero-start-mining && score mgm-tiny-hd) &
wait
