#!/usr/bin/env bash
# MGM-Tiny v4 (issue 13, third session): the three shipped v3 checkpoints trained further, the same
# recipe (text drawn 3.0, per-answer loss, lr 1e-3 decayed by cosine), fresh samples (seed 5).
# v3's validation figures were still rising on text, colour and position. llava-tiny gets the same
# steps and samples as mgm-tiny (the honest ablation); mgm-tiny-hd continues from its own v3.
# Three runs on 2 cores, one thread each, each cut to TIME_BUDGET seconds; then validation (recipe
# choice) and test, once. It imports ../../models as its starting point (v3 when this ran).
set -euo pipefail
cd "$(dirname "$0")"
. ./train-common.sh
STEPS=${STEPS:-2000}
HD_STEPS=${HD_STEPS:-900}
TIME_BUDGET=${TIME_BUDGET:-4800}
SEED=${SEED:-5}
prepare_work llava-tiny mgm-tiny mgm-tiny-hd
v4() { # name, steps
  train "$1" "$1-v4" --lr 1e-3 --warmup 30 --seed "$SEED" --steps "$2" --time-budget "$TIME_BUDGET" \
    --init-from "$w/shipped-$1/model.pt"
}
(v4 llava-tiny "$STEPS" && score llava-tiny-v4) &
(v4 mgm-tiny "$STEPS" && score mgm-tiny-v4) &
(v4 mgm-tiny-hd "$HD_STEPS" && score mgm-tiny-hd-v4) &
wait
