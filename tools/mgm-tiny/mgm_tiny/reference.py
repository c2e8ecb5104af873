"""PyTorch greedy answers (token ids and text) for test samples: the file the ONNX graphs and
the TypeScript engine must reproduce token for token.

`python3 -m mgm_tiny.reference --per-model 24 --out ../../models/eval/greedy-reference.jsonl`
"""
from __future__ import annotations

import argparse
import json
import os

import torch
from PIL import Image

from .configs import CHECKPOINTS
from .evaluate import load
from .generate import greedy


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--set", default="../../models/eval/test.jsonl")
    ap.add_argument("--tokenizer", default="work/tokenizer.json")
    ap.add_argument("--per-model", type=int, default=24)
    ap.add_argument("--work", default="work", help="the folder holding <name>/model.pt for each checkpoint")
    ap.add_argument("--out", default="../../models/eval/greedy-reference.jsonl")
    args = ap.parse_args()
    torch.set_num_threads(2)
    root = os.path.dirname(args.set)
    with open(args.set) as f:
        records = [json.loads(line) for line in f]
    # every question type, with and without history, across different images
    picked = []
    for i in range(args.per_model):
        picked.append(records[(i * 37) % len(records)])
    with open(args.out, "w") as out:
        for name in CHECKPOINTS:
            model, builder = load(os.path.join(args.work, name, "model.pt"), args.tokenizer)
            for r in picked:
                arr = builder.image_array(Image.open(os.path.join(root, r["image"])))
                history = [(h["question"], h["answer"]) for h in r["history"]]
                g = greedy(model, builder, arr, history, r["question"])
                messages = []
                for q, a in history:
                    messages += [{"role": "user", "content": q}, {"role": "assistant", "content": a}]
                messages.append({"role": "user", "content": r["question"]})
                out.write(json.dumps({
                    "model": name, "id": r["id"], "type": r["type"], "image": r["image"], "messages": messages,
                    "prompt_ids": g["prompt_ids"], "output_ids": g["output_ids"], "output_text": g["text"],
                }) + "\n")
            print(name, "done", flush=True)


if __name__ == "__main__":
    main()
