"""Turning (scene, turns) into model inputs: image arrays and token ids with answer labels."""
from __future__ import annotations

import random

import numpy as np
import torch
from PIL import Image

from .labels import dense_labels
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

    def token_views(self) -> list[tuple[float, float, float]]:
        """The region of the padded image each LR view covers, in the LLM's token order."""
        g = self.cfg.grid
        crops = [(c / g, r / g, 1 / g) for r in range(g) for c in range(g)]
        if g == 1:
            return crops
        return ([(0.0, 0.0, 1.0)] if self.cfg.global_view else []) + crops

    def token_digits(self, scene: Scene) -> np.ndarray:
        """[visual_tokens, 3]: the code's digits for each visual token the code touches
        (labels of the auxiliary read-out that teaches patch info mining where the code is)."""
        side = self.cfg.lr_size // self.cfg.patch_size
        return np.concatenate([dense_labels(scene, side, v)["digits"].reshape(-1, 3) for v in self.token_views()])

    def tensors(self, arrays: list[np.ndarray], device) -> tuple[torch.Tensor, torch.Tensor | None]:
        x = normalise(torch.from_numpy(np.stack(arrays)).to(device))
        cfg = self.cfg
        if cfg.architecture == "mgm":
            return lr_views(x, cfg.lr_size, cfg.grid, cfg.global_view), x
        return lr_views(x, cfg.lr_size, cfg.grid, cfg.global_view) if cfg.grid > 1 else x[:, None], None


class TrainStream(torch.utils.data.IterableDataset):
    """An endless stream of (image array, ids, labels), never showing a held-out scene."""

    def __init__(self, builder: SampleBuilder, exclude: set[str], seed: int, max_tokens: int = 0,
                 type_weights: dict[str, float] | None = None):
        """max_tokens 0: 1-4 questions a sample (80 % multi-turn), as the shipped checkpoints were
        trained; > 0: as many questions about the image as fit in max_tokens (the CPU recipe)."""
        self.builder, self.exclude, self.seed, self.max_tokens = builder, exclude, seed, max_tokens
        self.type_weights = type_weights

    def __iter__(self):
        info = torch.utils.data.get_worker_info()
        wid = info.id if info is not None else 0
        rng = random.Random(f"train-{self.seed}-{wid}")
        while True:
            scene = random_scene(rng)
            if scene.key() in self.exclude:
                continue
            if self.max_tokens:
                ids, labels = self._packed(random_turns(scene, rng, 6, self.type_weights))
            else:
                n_turns = 1 if rng.random() < 0.2 else rng.choice([2, 3, 3, 4])
                turns = random_turns(scene, rng, n_turns, self.type_weights)
                ids, labels = self.builder.post_image_tokens([(t.question, t.answer) for t in turns]) if turns else ([], [])
            if not ids:
                continue
            yield self.builder.image_array(render(scene)), ids, labels, self.builder.token_digits(scene)

    def _packed(self, turns: list[Turn]) -> tuple[list[int], list[int]]:
        """The longest prefix of turns (at least one) that fits in max_tokens: the sequences of a
        batch are about as long (little padding) and each carries several answers for its image."""
        if not turns:
            return [], []
        ids, labels = self.builder.post_image_tokens([(turns[0].question, turns[0].answer)])
        for k in range(2, len(turns) + 1):
            more = self.builder.post_image_tokens([(t.question, t.answer) for t in turns[:k]])
            if len(more[0]) > self.max_tokens:
                break
            ids, labels = more
        return ids, labels


def collate(batch):
    arrays = [b[0] for b in batch]
    n = max(len(b[1]) for b in batch)
    ids = torch.zeros(len(batch), n, dtype=torch.long)
    labels = torch.full((len(batch), n), IGNORE, dtype=torch.long)
    mask = torch.zeros(len(batch), n, dtype=torch.long)
    for i, (_, x, y, _) in enumerate(batch):
        ids[i, : len(x)] = torch.tensor(x)
        labels[i, : len(y)] = torch.tensor(y)
        mask[i, : len(x)] = 1
    digits = torch.from_numpy(np.stack([b[3] for b in batch]))
    return arrays, ids, labels, mask, digits, answer_weights(labels)


def answer_weights(labels: torch.Tensor) -> torch.Tensor:
    """1 / (length of its answer) for every supervised token, 0 elsewhere: with these weights each
    answer counts once in the loss, however many tokens it has (a one-word colour as much as a
    thirty-token description)."""
    weights = torch.zeros(labels.shape, dtype=torch.float32)
    for row, lab in enumerate(labels.tolist()):
        start = None
        for i, v in enumerate(lab + [IGNORE]):
            if v != IGNORE and start is None:
                start = i
            elif v == IGNORE and start is not None:
                weights[row, start:i] = 1.0 / (i - start)
                start = None
    return weights


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
