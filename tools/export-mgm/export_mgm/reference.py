"""PyTorch outputs of the adapter on fixed inputs, for checking exported graphs against (JSON)."""
from __future__ import annotations

import json

import torch

from .adapter import MGMExportAdapter, llm_dims


def reference_outputs(adapter: MGMExportAdapter, template: dict, seed: int = 1) -> dict:
    g = torch.Generator().manual_seed(seed)
    img = template["image"]
    llm = llm_dims(adapter.model)
    images = torch.randn(1, img["views"], 3, img["lr_size"], img["lr_size"], generator=g)
    aux = torch.randn(1, 3, img["hr_size"], img["hr_size"], generator=g) if template["architecture"] == "mgm" else None
    ids = torch.randint(0, llm["vocab_size"], (1, 6), generator=g)
    with torch.no_grad():
        features = adapter.encode_images(images, aux)
        embeds = adapter.embed_tokens(ids)
        mask = torch.ones(1, 6, dtype=torch.long)
        logits, presents = adapter.decode(embeds, mask, torch.arange(6)[None], [])
        step = adapter.embed_tokens(ids[:, :1])
        logits2, _ = adapter.decode(step, torch.ones(1, 7, dtype=torch.long), torch.tensor([[6]]), presents)
    flat = lambda t: [round(float(x), 6) for x in t.reshape(-1).tolist()]  # noqa: E731
    out = {
        "images": {"dims": list(images.shape), "data": flat(images)},
        "input_ids": {"dims": list(ids.shape), "data": [int(x) for x in ids.reshape(-1).tolist()]},
        "image_features": {"dims": list(features.shape), "data": flat(features)},
        "inputs_embeds": {"dims": list(embeds.shape), "data": flat(embeds)},
        "prefill_logits": {"dims": list(logits.shape), "data": flat(logits)},
        "step_logits": {"dims": list(logits2.shape), "data": flat(logits2)},
    }
    if aux is not None:
        out["images_aux"] = {"dims": list(aux.shape), "data": flat(aux)}
    return out


def write_reference(path: str, data: dict) -> None:
    with open(path, "w") as f:
        json.dump(data, f)
