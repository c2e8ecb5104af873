"""Turning (scene, turns) into model inputs: image arrays and token ids with answer labels."""
from __future__ import annotations

import random

import numpy as np
import torch
from PIL import Image

from .model import TinyConfig
from .preprocess import clip_process, expand2square, lr_views, normalise
from .qa import Turn, random_turns
from .scene import Scene, random_scene, render
from .templates import TEMPLATES, pieces
from .tokenizer import Tokenizer

IGNORE = -100


def scene_seed(split: str, index: int) -> str:
    return f"{split}-{index}"


class SampleBuilder:
    def __init__(self, cfg: TinyConfig, tok: Tokenizer):
        self.cfg, self.tok = cfg, tok
        spec = TEMPLATES[cfg.template]
        first = pieces(cfg.template, [("Q", None)])[0][0]
        before, _ = first.split("<image>")
        self.prefix_ids = [tok.special[spec.bos]] + tok.encode(before)

    def image_array(self, img: Image.Image) -> np.ndarray:
        """uint8 HWC at the size the first preprocessing step produces (HR for mgm)."""
        img = expand2square(img.convert("RGB"))
        size = self.cfg.hr_size if self.cfg.architecture == "mgm" else self.cfg.lr_size * self.cfg.grid
        return clip_process(img, size)

    def post_image_tokens(self, turns: list[tuple[str, str | None]]) -> tuple[list[int], list[int]]:
        ids: list[int] = []
        labels: list[int] = []
        for i, (text, is_answer) in enumerate(pieces(self.cfg.template, turns)):
            if i == 0:
                text = text.split("<image>", 1)[1]
            t = self.tok.encode(text)
            ids += t
            labels += t if is_answer else [IGNORE] * len(t)
        return ids, labels

    def tensors(self, arrays: list[np.ndarray], device) -> tuple[torch.Tensor, torch.Tensor | None]:
        x = normalise(torch.from_numpy(np.stack(arrays)).to(device))
        cfg = self.cfg
        if cfg.architecture == "mgm":
            return lr_views(x, cfg.lr_size, cfg.grid, cfg.global_view), x
        return lr_views(x, cfg.lr_size, cfg.grid, cfg.global_view) if cfg.grid > 1 else x[:, None], None


class TrainStream(torch.utils.data.IterableDataset):
    """An endless stream of (image array, ids, labels), never showing a held-out scene."""

    def __init__(self, builder: SampleBuilder, exclude: set[str], seed: int):
        self.builder, self.exclude, self.seed = builder, exclude, seed

    def __iter__(self):
        info = torch.utils.data.get_worker_info()
        wid = info.id if info is not None else 0
        rng = random.Random(f"train-{self.seed}-{wid}")
        while True:
            scene = random_scene(rng)
            if scene.key() in self.exclude:
                continue
            n_turns = 1 if rng.random() < 0.2 else rng.choice([2, 3, 3, 4])
            turns = random_turns(scene, rng, n_turns)
            if not turns:
                continue
            ids, labels = self.builder.post_image_tokens([(t.question, t.answer) for t in turns])
            yield self.builder.image_array(render(scene)), ids, labels


def collate(batch):
    arrays = [b[0] for b in batch]
    n = max(len(b[1]) for b in batch)
    ids = torch.zeros(len(batch), n, dtype=torch.long)
    labels = torch.full((len(batch), n), IGNORE, dtype=torch.long)
    mask = torch.zeros(len(batch), n, dtype=torch.long)
    for i, (_, x, y) in enumerate(batch):
        ids[i, : len(x)] = torch.tensor(x)
        labels[i, : len(y)] = torch.tensor(y)
        mask[i, : len(x)] = 1
    return arrays, ids, labels, mask


def corpus_for_tokenizer(n: int, seed: int = 0) -> list[str]:
    rng = random.Random(f"tokenizer-{seed}")
    out = []
    for _ in range(n):
        scene = random_scene(rng)
        for t in random_turns(scene, rng, 3):
            out.append(t.question)
            out.append(t.answer)
    from .templates import VICUNA_SYSTEM

    out += [VICUNA_SYSTEM, "USER: ASSISTANT:", "user\nmodel\n"] * 2000
    return out
