#!/usr/bin/env bash
# MGM-Tiny v3 (issue 13, second session): train-v2.sh's checkpoints trained further, text drawn
# more often (3.0 instead of 1.6: reading was the column still climbing), the same stream for each.
#   mgm-tiny     continues from the shipped v2 (LLM from llava-tiny, mining from zero, 1 200 steps);
#   llava-tiny   continues from its shipped v2 for the same steps and samples (the honest ablation);
#   mgm-tiny-hd  LLM, projector and mining from the shipped v2 mgm-tiny (the mining already reads),
#                HD inputs, HD_STEPS steps: the HD branch then only learns its 180-token layout.
# Three runs on 2 cores, one thread each; then validation (recipe choice) and test, once.
# It imports ../../models as its starting point: those are the v3 checkpoints since they shipped. To
# reproduce v3 from v2, first put the v2 folders back (`git checkout d942885 -- models/llava-tiny
# models/mgm-tiny`, the last commit that shipped v2), run this and train-v3-more.sh, then restore.
set -euo pipefail
cd "$(dirname "$0")"
. ./train-common.sh
STEPS=${STEPS:-1200}
HD_STEPS=${HD_STEPS:-700}
SEED=${SEED:-3}
prepare_work llava-tiny mgm-tiny
v3() { train "$@" --lr 1.5e-3 --warmup 50 --seed "$SEED"; }
(v3 llava-tiny llava-tiny-v3 --steps "$STEPS" --init-from "$w/shipped-llava-tiny/model.pt" && score llava-tiny-v3) &
(v3 mgm-tiny mgm-tiny-v3 --steps "$STEPS" --init-from "$w/shipped-mgm-tiny/model.pt" && score mgm-tiny-v3) &
(v3 mgm-tiny-hd mgm-tiny-hd-v3 --steps "$HD_STEPS" --init-llm-from "$w/shipped-mgm-tiny/model.pt" \
  --init-mining-from "$w/shipped-mgm-tiny/model.pt" && score mgm-tiny-hd-v3) &
wait
