#!/usr/bin/env bash
# MGM-Tiny v3, second leg: mgm-tiny and llava-tiny from train-v3.sh's weights for MORE_STEPS more
# steps each (fresh samples, seed 4, lr 1e-3, the same question mix): v3's validation figures were
# still rising on every type. Each scored on validation, then test.
set -euo pipefail
cd "$(dirname "$0")"
py=/usr/bin/python3
export PYTHONUNBUFFERED=1
w=${W:-work-cpu}
MORE_STEPS=${MORE_STEPS:-600}
run() { # name, from folder, out folder
  $py -m mgm_tiny.train --name "$1" --recipe cpu --towers "$w/towers.pt" --aux-weight 0.3 --max-tokens 112 \
    --tokenizer "$w/tokenizer.json" --exclude "$w/heldout-keys.json" --batch 16 --workers 0 --threads 1 \
    --log-every 50 --save-every 100 --lr 1e-3 --warmup 30 --per-answer --seed 4 --type-weight text=3.0 \
    --steps "$MORE_STEPS" --init-from "$w/$2/model.pt" --out "$w/$3" > "$w/logs/$3.log" 2>&1
}
score() { # out folder
  for split in val test; do
    local set="$w/eval/test.jsonl"
    [ "$split" = val ] && set="$w/val.jsonl"
    $py -m mgm_tiny.evaluate --ckpt "$w/$1/model.pt" --tokenizer "$w/tokenizer.json" --set "$set" --threads 1 \
      --out "$w/$1/$split-eval.json" | tee -a "$w/logs/eval.log"
  done
}
(run llava-tiny llava-tiny-v3 llava-tiny-v3b && score llava-tiny-v3b) &
(run mgm-tiny mgm-tiny-v3 mgm-tiny-v3b && score mgm-tiny-v3b) &
wait
