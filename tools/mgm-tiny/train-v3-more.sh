#!/usr/bin/env bash
# MGM-Tiny v3, second leg: mgm-tiny and llava-tiny from train-v3.sh's weights for MORE_STEPS more
# steps each (fresh samples, seed 4, lr 1e-3, the same question mix): v3's validation figures were
# still rising on every type. Each scored on validation, then test.
set -euo pipefail
cd "$(dirname "$0")"
. ./train-common.sh
MORE_STEPS=${MORE_STEPS:-600}
more() { # name, from folder, out folder
  train "$1" "$3" --lr 1e-3 --warmup 30 --seed 4 --steps "$MORE_STEPS" --init-from "$w/$2/model.pt"
}
(more llava-tiny llava-tiny-v3 llava-tiny-v3b && score llava-tiny-v3b) &
(more mgm-tiny mgm-tiny-v3 mgm-tiny-v3b && score mgm-tiny-v3b) &
wait
