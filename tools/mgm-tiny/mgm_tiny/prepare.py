"""Fixed-seed preparation: the tokenizer and the held-out scenes (validation + test).

`python3 -m mgm_tiny.prepare --work work --eval-out ../../models/eval`
"""
from __future__ import annotations

import argparse
import json
import os
import random

from .qa import SHORT_TYPES, ask
from .samples import corpus_for_tokenizer, scene_seed
from .scene import random_scene, render
from .tokenizer import Tokenizer

EVAL_TYPES = SHORT_TYPES + ["description", "generation"]


def heldout_scenes(split: str, n: int):
    seen = set()
    out = []
    i = 0
    while len(out) < n:
        rng = random.Random(scene_seed(split, i))
        i += 1
        scene = random_scene(rng)
        if scene.key() in seen:
            continue
        seen.add(scene.key())
        out.append((rng, scene))
    return out


def records_for(scene, rng: random.Random, image_name: str, idx: int) -> list[dict]:
    """Two questions of different types per image; a third of them with one earlier turn of history."""
    records = []
    types = [t for t in EVAL_TYPES if t != "text" or scene.code]
    weights = [3 if t in SHORT_TYPES else 1 for t in types]
    used: set[str] = set()
    tries = 0
    while len(records) < 2 and tries < 40:
        tries += 1
        t = rng.choices(types, weights)[0]
        if t in used:
            continue
        turn = ask(scene, t, rng)
        if turn is None:
            continue
        used.add(t)
        history = []
        if rng.random() < 0.33:
            for ht in ["count", "colour", "shape", "position"]:
                if ht != t:
                    h = ask(scene, ht, rng)
                    if h is not None:
                        history = [{"question": h.question, "answer": h.answer}]
                        break
        records.append({"id": f"{idx:04d}-{len(records)}", "image": image_name, "question": turn.question,
                        "answer": turn.answer, "type": t, "history": history})
    return records


def extra_text_record(scene, split: str, idx: int, image_name: str, records: list[dict]) -> list[dict]:
    """A reading question for every test image with a code that drew none: reading is the type
    the HR branch exists for, and 75 text questions gave a +-11 point interval. Its own seed, so
    the records drawn before it (and so the held-out scenes) are unchanged."""
    if not scene.code or any(r["type"] == "text" for r in records):
        return []
    turn = ask(scene, "text", random.Random(scene_seed(f"{split}-text", idx)))
    if turn is None:
        return []
    return [{"id": f"{idx:04d}-{len(records)}", "image": image_name, "question": turn.question,
             "answer": turn.answer, "type": "text", "history": []}]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--work", default="work")
    ap.add_argument("--eval-out", default="../../models/eval")
    ap.add_argument("--test-images", type=int, default=400)
    ap.add_argument("--val-images", type=int, default=200)
    ap.add_argument("--vocab", type=int, default=1024)
    args = ap.parse_args()
    os.makedirs(args.work, exist_ok=True)
    os.makedirs(os.path.join(args.eval_out, "images"), exist_ok=True)

    tok = Tokenizer.train(corpus_for_tokenizer(4000), args.vocab)
    tok.save(os.path.join(args.work, "tokenizer.json"))

    keys = []
    for split, n, folder in [("test", args.test_images, args.eval_out), ("val", args.val_images, args.work)]:
        records = []
        img_dir = os.path.join(folder, "images" if split == "test" else "val-images")
        os.makedirs(img_dir, exist_ok=True)
        for i, (rng, scene) in enumerate(heldout_scenes(split, n)):
            keys.append(scene.key())
            name = f"{split}-{i:04d}.png"
            render(scene).save(os.path.join(img_dir, name), optimize=True)
            image_name = f"images/{name}" if split == "test" else f"val-images/{name}"
            own = records_for(scene, rng, image_name, i)
            if split == "test":
                own += extra_text_record(scene, split, i, image_name, own)
            records += own
        path = os.path.join(folder, f"{split}.jsonl")
        with open(path, "w") as f:
            for r in records:
                f.write(json.dumps(r) + "\n")
        print(split, len(records), "records", path)
    with open(os.path.join(args.work, "heldout-keys.json"), "w") as f:
        json.dump(sorted(set(keys)), f)


if __name__ == "__main__":
    main()
