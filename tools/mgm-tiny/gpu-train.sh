#!/usr/bin/env bash
# Trains the three checkpoints side by side on one CUDA GPU (the device machine), each within
# a wall-clock budget. Run from the repository root; writes logs and weights under $OUT.
# STAGE=2 continues from work/<name>/model.pt (the second stage the shipped checkpoints had).
set -euo pipefail
cd tools/mgm-tiny
export PYTHONUNBUFFERED=1
budget=${BUDGET_S:-390}
nvidia-smi --query-gpu=name,memory.total --format=csv,noheader | tee "$OUT/train.log"
python3 -c "import torch, PIL, numpy; print('torch', torch.__version__, 'pil', PIL.__version__)" | tee -a "$OUT/train.log"
for n in mgm-tiny mgm-tiny-hd llava-tiny; do
  init=()
  lr=2e-3
  if [ "${STAGE:-1}" = 2 ]; then init=(--init-from "work/$n/model.pt"); lr=1e-3; fi
  python3 -m mgm_tiny.train --name "$n" --out "work/$n-next" --device cuda --batch 64 --lr "$lr" --warmup 100 \
    --workers 4 --threads 2 --steps 100000 --time-budget "$budget" --log-every 250 "${init[@]}" 2>&1 \
    | sed -u "s/^/$n /" >> "$OUT/train.log" &
done
wait
for n in mgm-tiny mgm-tiny-hd llava-tiny; do split -b 15M -d "work/$n-next/model.pt" "$OUT/$n.pt.part"; done
ls -la "$OUT"
