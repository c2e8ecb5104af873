"""Stage 0: pretrain the two vision towers on dense scene labels (see labels.py).

`python3 -m mgm_tiny.pretrain_towers --out work/towers.pt`

One pair of towers serves all three checkpoints, as one CLIP and one ConvNeXt serve the whole
MGM family: batches alternate between the inputs each checkpoint feeds them (mgm-tiny: LR
derived from HR 192; mgm-tiny-hd: HR 384, four LR crops + a global view; llava-tiny: LR straight
from the CLIP processor at 48).
"""
from __future__ import annotations

import argparse
import dataclasses
import json
import os
import random
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

from .configs import RECIPES, config_for
from .labels import NO_DIGIT, dense_labels
from .model import HRVisionTower, LRVisionTower
from .preprocess import clip_process, expand2square, lr_views, normalise
from .scene import Scene, random_scene, render
from .schedule import warmup_cosine

MODES = {"mgm": 0.45, "hd": 0.2, "llava": 0.35}
HD_VIEWS = [(0.0, 0.0, 0.5), (0.5, 0.0, 0.5), (0.0, 0.5, 0.5), (0.5, 0.5, 0.5), (0.0, 0.0, 1.0)]


class DenseHeads(nn.Module):
    """Linear read-outs of every location: cell (9 + padding), kind, colour, the code's digits."""

    def __init__(self, dim: int, digit_weight: float = 1.0):
        super().__init__()
        self.digit_weight = digit_weight
        self.cell = nn.Linear(dim, 10)
        self.kind = nn.Linear(dim, 6)
        self.colour = nn.Linear(dim, 7)
        self.digits = nn.Linear(dim, 33)

    def loss(self, feats: torch.Tensor, labels: dict[str, torch.Tensor]) -> tuple[torch.Tensor, dict[str, float]]:
        """feats [B, L, C]; labels flattened to [B, L] (digits [B, L, 3])."""
        parts = {}
        for name in ("cell", "kind", "colour"):
            logits = getattr(self, name)(feats)
            parts[name] = F.cross_entropy(logits.reshape(-1, logits.shape[-1]), labels[name].reshape(-1))
        d_logits = self.digits(feats).reshape(-1, 11)
        d_labels = labels["digits"].reshape(-1)
        ce = F.cross_entropy(d_logits, d_labels, reduction="none")
        on_glyph = d_labels != NO_DIGIT
        # glyphs cover few locations: their own mean, plus a lighter term for "no digit here"
        parts["digits"] = (ce[on_glyph].mean() if on_glyph.any() else ce.sum() * 0) + 0.2 * ce.mean()
        total = sum(parts.values()) + (self.digit_weight - 1) * parts["digits"]
        return total, {k: round(v.item(), 4) for k, v in parts.items()}


def _stack(labels: list[dict[str, np.ndarray]]) -> dict[str, torch.Tensor]:
    return {k: torch.from_numpy(np.stack([l[k] for l in labels])).flatten(1, 2) for k in labels[0]}


def with_code(scene: Scene, rng: random.Random) -> Scene:
    """Every pretraining image carries a code: glyphs are the rarest thing to learn."""
    if scene.code is not None:
        return scene
    free = [c for c in range(9) if all(s.cell != c for s in scene.shapes)]
    code = "".join(rng.choice("0123456789") for _ in range(3))
    return dataclasses.replace(scene, code=code, code_cell=rng.choice(free))


class PretrainStream(torch.utils.data.IterableDataset):
    """Endless batches: (mode, HR or LR uint8 arrays, tower labels)."""

    def __init__(self, batch: int, exclude: set[str], seed: int, lr_size: int, patch: int):
        self.batch, self.exclude, self.seed, self.lr, self.patch = batch, exclude, seed, lr_size, patch

    def __iter__(self):
        info = torch.utils.data.get_worker_info()
        rng = random.Random(f"towers-{self.seed}-{info.id if info else 0}")
        tokens = self.lr // self.patch
        while True:
            mode = rng.choices(list(MODES), list(MODES.values()))[0]
            n = self.batch // 4 if mode == "hd" else self.batch
            scenes = []
            while len(scenes) < n:
                s = with_code(random_scene(rng), rng)
                if s.key() not in self.exclude:
                    scenes.append(s)
            squares = [expand2square(render(s)) for s in scenes]
            if mode == "llava":
                arrays = [clip_process(img, self.lr) for img in squares]
                lr_labels = [dense_labels(s, tokens) for s in scenes]
                yield mode, np.stack(arrays), _stack(lr_labels), None
                continue
            hr = 192 if mode == "mgm" else 384
            arrays = [clip_process(img, hr) for img in squares]
            hr_labels = _stack([dense_labels(s, hr // 4) for s in scenes])
            views = [(0.0, 0.0, 1.0)] if mode == "mgm" else HD_VIEWS
            lr_labels = _stack([dense_labels(s, tokens, v) for s in scenes for v in views])
            yield mode, np.stack(arrays), lr_labels, hr_labels


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default="work/towers.pt")
    ap.add_argument("--recipe", choices=RECIPES, default="cpu", help="tower sizes (configs.py)")
    ap.add_argument("--exclude", default="work/heldout-keys.json")
    ap.add_argument("--steps", type=int, default=1500)
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--lr", type=float, default=2e-3)
    ap.add_argument("--warmup", type=int, default=100)
    ap.add_argument("--threads", type=int, default=os.cpu_count() or 2)
    ap.add_argument("--workers", type=int, default=1)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--log-every", type=int, default=50)
    ap.add_argument("--time-budget", type=float, default=0.0, help="seconds: cut --steps after 30 steps to fit")
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    cfg = config_for("mgm-tiny", 1, args.recipe)
    vit, convnext = LRVisionTower(cfg), HRVisionTower(cfg)
    vit_heads, conv_heads = DenseHeads(vit.hidden_size), DenseHeads(convnext.hidden_size, digit_weight=3.0)
    modules = nn.ModuleList([vit, convnext, vit_heads, conv_heads])
    opt = torch.optim.AdamW(modules.parameters(), lr=args.lr, weight_decay=0.05, betas=(0.9, 0.98))
    with open(args.exclude) as f:
        exclude = set(json.load(f))
    loader = torch.utils.data.DataLoader(PretrainStream(args.batch, exclude, args.seed, cfg.lr_size, cfg.patch_size),
                                         batch_size=None, num_workers=args.workers, persistent_workers=args.workers > 0)

    def lr_at(step: int) -> float:  # args.steps may be cut by --time-budget after a few steps
        return warmup_cosine(step, args.lr, args.warmup, args.steps)

    print(json.dumps({"event": "start", "params_vit": sum(p.numel() for p in vit.parameters()),
                      "params_convnext": sum(p.numel() for p in convnext.parameters()), "threads": args.threads}), flush=True)
    t0 = time.time()
    logs: dict[str, list] = {}
    for step, (mode, arrays, lr_labels, hr_labels) in enumerate(loader):
        if step >= args.steps:
            break
        if step == 30 and args.time_budget > 0:
            args.steps = max(100, min(args.steps, int(args.time_budget / ((time.time() - t0) / 30))))
            print(json.dumps({"event": "budget", "steps": args.steps}), flush=True)
        for g in opt.param_groups:
            g["lr"] = lr_at(step)
        x = normalise(torch.as_tensor(arrays))
        if mode == "llava":
            lr = x
        else:
            lr = lr_views(x, cfg.lr_size, 2 if mode == "hd" else 1, mode == "hd").flatten(0, 1)
        loss, parts = vit_heads.loss(vit(lr), lr_labels)
        if hr_labels is not None:
            hr_feats = convnext(x).flatten(2).transpose(1, 2)
            hr_loss, hr_parts = conv_heads.loss(hr_feats, hr_labels)
            loss = loss + hr_loss
            parts.update({f"hr_{k}": v for k, v in hr_parts.items()})
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(modules.parameters(), 1.0)
        opt.step()
        for k, v in parts.items():
            logs.setdefault(k, []).append(v)
        if (step + 1) % args.log_every == 0:
            print(json.dumps({"step": step + 1, "elapsed_s": round(time.time() - t0, 1),
                              **{k: round(sum(v) / len(v), 3) for k, v in logs.items()}}), flush=True)
            logs = {}
    wall = time.time() - t0
    os.makedirs(os.path.dirname(args.out) or ".", exist_ok=True)
    torch.save({"vision_tower": vit.state_dict(), "vision_tower_aux": convnext.state_dict(),
                "train": {"steps": args.steps, "batch": args.batch, "wall_s": round(wall, 1)}}, args.out)
    print(json.dumps({"event": "done", "wall_s": round(wall, 1)}), flush=True)


if __name__ == "__main__":
    main()
