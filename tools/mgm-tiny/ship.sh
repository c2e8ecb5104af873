#!/usr/bin/env bash
# Ships trained checkpoints: copies the run's test split to models/eval, exports the three ONNX
# folders (recording each one's test-eval.json in its manifest), rewrites the q8 / q4 variants and
# the greedy reference. Run from anywhere after training and evaluating, e.g. after train-cpu.sh:
#   bash tools/mgm-tiny/ship.sh work-cpu
# Names after the work folder ship only those (the others' folders stay as they are); the greedy
# reference is still rewritten for all three, from WORK/<name>/model.pt of each (for one left as
# shipped: import_onnx's model.pt of its folder, e.g. as train-common.sh's prepare_work makes it).
#   bash tools/mgm-tiny/ship.sh work-cpu mgm-tiny-hd
set -euo pipefail
cd "$(dirname "$0")"
py=/usr/bin/python3
w=${1:-work-cpu}
models=../../models
names=(mgm-tiny mgm-tiny-hd llava-tiny)
[ $# -gt 1 ] && names=("${@:2}")
for n in "${names[@]}"; do
  [ -f "$w/$n/test-eval.json" ] || { echo "$w/$n/test-eval.json is missing: evaluate $n first" >&2; exit 1; }
done
rm -rf "$models/eval/images"
cp -r "$w/eval/images" "$w/eval/test.jsonl" "$models/eval/"
for n in "${names[@]}"; do
  $py -m mgm_tiny.export --ckpt "$w/$n/model.pt" --tokenizer "$w/tokenizer.json" --out "$models/$n" --eval "$w/$n/test-eval.json"
done
bash ../quantize/quantize-shipped.sh "$(cd "$models" && pwd)" "${names[@]}"
$py -m mgm_tiny.reference --work "$w" --tokenizer "$w/tokenizer.json" --set "$models/eval/test.jsonl" \
  --out "$models/eval/greedy-reference.jsonl"
