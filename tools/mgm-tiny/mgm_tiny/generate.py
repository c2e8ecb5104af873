"""Greedy generation in PyTorch with the same KV-cache path the ONNX decoder exports."""
from __future__ import annotations

import torch

from .model import MGMTiny
from .samples import SampleBuilder
from .templates import TEMPLATES


@torch.no_grad()
def prompt_ids(builder: SampleBuilder, history: list[tuple[str, str]], question: str) -> tuple[list[int], list[int]]:
    """(ids before the image, ids after the image) for the generation prompt."""
    post, _ = builder.post_image_tokens(history + [(question, None)])
    return builder.prefix_ids, post


@torch.no_grad()
def greedy(model: MGMTiny, builder: SampleBuilder, image_array, history, question, max_new_tokens=96, device="cpu"):
    cfg = model.cfg
    tok = builder.tok
    stop_id = tok.special[TEMPLATES[cfg.template].stop]
    eos_id = tok.special[TEMPLATES[cfg.template].eos]
    pre, post = prompt_ids(builder, history, question)
    images, aux = builder.tensors([image_array], device)
    vis = model.encode_images(images, aux)
    emb = torch.cat([
        model.embed_tokens(torch.tensor([pre], device=device)), vis,
        model.embed_tokens(torch.tensor([post], device=device)),
    ], 1)
    t = emb.shape[1]
    attn = torch.ones(1, t, dtype=torch.long, device=device)
    pos = torch.arange(t, device=device)[None]
    logits, past = model.decode(emb, attn, pos)
    out: list[int] = []
    for _ in range(max_new_tokens):
        nxt = int(logits[0, -1].argmax())
        out.append(nxt)
        if nxt in (stop_id, eos_id):
            break
        t += 1
        attn = torch.ones(1, t, dtype=torch.long, device=device)
        pos = torch.tensor([[t - 1]], device=device)
        logits, past = model.decode(model.embed_tokens(torch.tensor([[nxt]], device=device)), attn, pos, past)
    text = tok.decode([i for i in out if i not in (stop_id, eos_id)], skip_special=True)
    return {"prompt_ids": pre + [-200] + post, "output_ids": out, "text": text.strip()}
