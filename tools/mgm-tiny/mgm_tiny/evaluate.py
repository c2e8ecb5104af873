"""Exact match / token F1 of a trained checkpoint on a split, with PyTorch greedy decoding.

`python3 -m mgm_tiny.evaluate --ckpt work/mgm-tiny/model.pt --set ../../models/eval/test.jsonl`
"""
from __future__ import annotations

import argparse
import json
import os
import time
from collections import Counter, defaultdict

import torch
from PIL import Image

from .generate import greedy
from .model import MGMTiny, TinyConfig
from .qa import SHORT_TYPES
from .samples import SampleBuilder
from .tokenizer import Tokenizer


def normalise_answer(text: str) -> str:
    return text.strip().lower().rstrip(".").strip()


def token_f1(pred: str, gold: str) -> float:
    p, g = normalise_answer(pred).split(), normalise_answer(gold).split()
    common = sum((Counter(p) & Counter(g)).values())
    if common == 0:
        return 0.0
    precision, recall = common / len(p), common / len(g)
    return 2 * precision * recall / (precision + recall)


def load(ckpt_path: str, tokenizer_path: str) -> tuple[MGMTiny, SampleBuilder]:
    ckpt = torch.load(ckpt_path, map_location="cpu")
    cfg = TinyConfig(**ckpt["config"])
    model = MGMTiny(cfg)
    model.load_state_dict(ckpt["state_dict"])
    model.eval()
    return model, SampleBuilder(cfg, Tokenizer.load(tokenizer_path))


def score(records: list[dict], answers: list[str]) -> dict:
    by_type: dict[str, list[float]] = defaultdict(list)
    for r, a in zip(records, answers):
        if r["type"] in SHORT_TYPES:
            by_type[r["type"]].append(float(normalise_answer(a) == normalise_answer(r["answer"])))
        else:
            by_type[r["type"]].append(token_f1(a, r["answer"]))
    short = [x for t in SHORT_TYPES for x in by_type.get(t, [])]
    return {
        "n": len(records),
        "overall": sum(short) / max(1, len(short)),
        "by_type": {t: {"n": len(v), "accuracy" if t in SHORT_TYPES else "f1": sum(v) / len(v)} for t, v in sorted(by_type.items())},
    }


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--ckpt", required=True)
    ap.add_argument("--tokenizer", default="work/tokenizer.json")
    ap.add_argument("--set", default="../../models/eval/test.jsonl")
    ap.add_argument("--limit", type=int, default=0)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--out", default="")
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    model, builder = load(args.ckpt, args.tokenizer)
    root = os.path.dirname(args.set)
    with open(args.set) as f:
        records = [json.loads(line) for line in f]
    if args.limit:
        records = records[: args.limit]
    answers = []
    t0 = time.time()
    cache: dict[str, object] = {}
    for r in records:
        if r["image"] not in cache:
            cache[r["image"]] = builder.image_array(Image.open(os.path.join(root, r["image"])))
        history = [(h["question"], h["answer"]) for h in r.get("history", [])]
        answers.append(greedy(model, builder, cache[r["image"]], history, r["question"])["text"])
    result = {"model": model.cfg.name, **score(records, answers), "seconds": round(time.time() - t0, 1)}
    print(json.dumps(result))
    if args.out:
        with open(args.out, "w") as f:
            json.dump({"result": result, "answers": answers}, f)


if __name__ == "__main__":
    main()
