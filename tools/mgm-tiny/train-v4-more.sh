#!/usr/bin/env bash
# MGM-Tiny v4, second leg. train-v4.sh's first leg measured 2.3 s a step at step 50 and planned 2 000
# steps; the shared machine then ran at 3.5-4.2 s a step, so its cosine would have ended too late.
# Both runs were stopped at their step-400 weights; this leg continues mgm-tiny and llava-tiny from
# there over a schedule that fits (MORE_STEPS, re-cut every 50 steps to TIME_BUDGET seconds), the
# same recipe, fresh samples (seed 6). mgm-tiny-hd's first leg was not stopped. Then validation, test.
set -euo pipefail
cd "$(dirname "$0")"
. ./train-common.sh
MORE_STEPS=${MORE_STEPS:-1200}
TIME_BUDGET=${TIME_BUDGET:-4200}
more() { # name
  train "$1" "$1-v4b" --lr 9e-4 --warmup 20 --seed 6 --steps "$MORE_STEPS" --time-budget "$TIME_BUDGET" \
    --init-from "$w/$1-v4/model.pt"
}
(more llava-tiny && score llava-tiny-v4b) &
(more mgm-tiny && score mgm-tiny-v4b) &
wait
