# Sourced by train-v3.sh and train-v3-more.sh: the stage-1 settings every v3 run shares, and scoring.
# Needs: py (Debian's python3), w (the work folder).
# train NAME OUT [extra train.py arguments]: one run, one thread, its log in $w/logs/OUT.log.
train() {
  local name=$1 out=$2
  shift 2
  $py -m mgm_tiny.train --name "$name" --recipe cpu --towers "$w/towers.pt" --aux-weight 0.3 --max-tokens 112 \
    --tokenizer "$w/tokenizer.json" --exclude "$w/heldout-keys.json" --batch 16 --workers 0 --threads 1 \
    --log-every 50 --save-every 100 --per-answer --type-weight text=3.0 --out "$w/$out" "$@" > "$w/logs/$out.log" 2>&1
}
# score OUT: validation (for choosing), then the test split; appended to $w/logs/eval.log.
score() {
  for split in val test; do
    local set="$w/eval/test.jsonl"
    [ "$split" = val ] && set="$w/val.jsonl"
    $py -m mgm_tiny.evaluate --ckpt "$w/$1/model.pt" --tokenizer "$w/tokenizer.json" --set "$set" --threads 1 \
      --out "$w/$1/$split-eval.json" | tee -a "$w/logs/eval.log"
  done
}
