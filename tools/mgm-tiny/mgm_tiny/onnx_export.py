"""Export of an MGM-style model to the checkpoint folder format (models/README.md).

The graph wrappers only need a model with `encode_images(images, images_aux)`,
`embed_tokens(ids)` and `decode(inputs_embeds, attention_mask, position_ids, past)`, so the
same code exports the tiny checkpoints and adapters around released MGM checkpoints.
"""
from __future__ import annotations

import json
import os

import torch
import torch.nn as nn

OPSET = 17


MINING_ATTENTION = "mining_attention"


def exports_attention(model, with_aux: bool) -> bool:
    """Models with an HR branch that can say where their patch info mining looked."""
    return with_aux and hasattr(model, "encode_images_with_attention")


class VisionGraph(nn.Module):
    def __init__(self, model, with_aux: bool, attention: bool = True):
        super().__init__()
        self.model, self.with_aux = model, with_aux
        self.with_attention = attention and exports_attention(model, with_aux)

    def forward(self, images, images_aux=None):
        if self.with_attention:
            return self.model.encode_images_with_attention(images, images_aux)
        return self.model.encode_images(images, images_aux if self.with_aux else None)


class EmbedGraph(nn.Module):
    def __init__(self, model):
        super().__init__()
        self.model = model

    def forward(self, input_ids):
        return self.model.embed_tokens(input_ids)


class DecoderGraph(nn.Module):
    def __init__(self, model, num_layers: int):
        super().__init__()
        self.model, self.num_layers = model, num_layers

    def forward(self, inputs_embeds, attention_mask, position_ids, *past_flat):
        past = [(past_flat[2 * i], past_flat[2 * i + 1]) for i in range(self.num_layers)]
        logits, presents = self.model.decode(inputs_embeds, attention_mask, position_ids, past)
        out = [logits]
        for k, v in presents:
            out += [k, v]
        return tuple(out)


def export_vision(model, path: str, views: int, lr_size: int, hr_size: int | None, attention: bool = True) -> None:
    images = torch.randn(1, views, 3, lr_size, lr_size)
    names = ["images"]
    args: tuple = (images,)
    axes = {"images": {0: "batch"}, "image_features": {0: "batch"}}
    outputs = ["image_features"]
    if hr_size is not None:
        args = (images, torch.randn(1, 3, hr_size, hr_size))
        names.append("images_aux")
        axes["images_aux"] = {0: "batch"}
    graph = VisionGraph(model, hr_size is not None, attention)
    if graph.with_attention:
        # [B, views, N, M]: each visual token's softmax weights over the HR window it mines (the lens)
        outputs.append(MINING_ATTENTION)
        axes[MINING_ATTENTION] = {0: "batch"}
    torch.onnx.export(graph, args, path, input_names=names, output_names=outputs, dynamic_axes=axes,
                      opset_version=OPSET)


def export_embed(model, path: str) -> None:
    ids = torch.zeros(1, 4, dtype=torch.long)
    torch.onnx.export(EmbedGraph(model), (ids,), path, input_names=["input_ids"], output_names=["inputs_embeds"],
                      dynamic_axes={"input_ids": {0: "batch", 1: "seq"}, "inputs_embeds": {0: "batch", 1: "seq"}},
                      opset_version=OPSET)


def export_decoder(model, path: str, num_layers: int, num_kv_heads: int, head_dim: int, hidden: int) -> None:
    s, p = 3, 5
    emb = torch.randn(1, s, hidden)
    mask = torch.ones(1, p + s, dtype=torch.long)
    pos = torch.arange(p, p + s)[None]
    past = []
    in_names = ["inputs_embeds", "attention_mask", "position_ids"]
    out_names = ["logits"]
    axes = {"inputs_embeds": {0: "batch", 1: "seq"}, "attention_mask": {0: "batch", 1: "total"},
            "position_ids": {0: "batch", 1: "seq"}, "logits": {0: "batch", 1: "seq"}}
    for i in range(num_layers):
        for kind in ("key", "value"):
            past.append(torch.randn(1, num_kv_heads, p, head_dim))
            in_names.append(f"past_key_values.{i}.{kind}")
            out_names.append(f"present.{i}.{kind}")
            axes[f"past_key_values.{i}.{kind}"] = {0: "batch", 2: "past"}
            axes[f"present.{i}.{kind}"] = {0: "batch", 2: "total"}
    torch.onnx.export(DecoderGraph(model, num_layers), (emb, mask, pos, *past), path, input_names=in_names,
                      output_names=out_names, dynamic_axes=axes, opset_version=OPSET)


def write_manifest(folder: str, manifest: dict) -> None:
    with open(os.path.join(folder, "mgm.json"), "w") as f:
        json.dump(manifest, f, indent=2)
        f.write("\n")
