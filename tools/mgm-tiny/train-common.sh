# Sourced by the train-v3*.sh, train-v4*.sh and train-v5*.sh scripts after they cd here: the Python
# they use, the work folder (W, default work-cpu), the stage-1 settings every run since v3 shares,
# preparing the work folder, and scoring.
py=/usr/bin/python3
export PYTHONUNBUFFERED=1
w=${W:-work-cpu}
# prepare_work NAME...: the tokenizer, validation and test splits, and each named checkpoint imported
# from ../../models (the shipped ONNX) as $w/shipped-NAME/model.pt; mgm-tiny's frozen towers too.
prepare_work() {
  mkdir -p "$w/logs"
  [ -f "$w/tokenizer.json" ] || $py -m mgm_tiny.prepare --work "$w" --eval-out "$w/eval" > "$w/logs/prepare.log"
  local n
  for n in "$@"; do
    [ -f "$w/shipped-$n/model.pt" ] || $py -m mgm_tiny.import_onnx --folder "../../models/$n" \
      --tokenizer "$w/tokenizer.json" --out "$w/shipped-$n/model.pt" $([ "$n" = mgm-tiny ] && echo --towers-out "$w/towers.pt")
  done
}
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
