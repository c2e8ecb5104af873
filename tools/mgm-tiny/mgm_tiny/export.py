"""Export a trained tiny checkpoint to models/<name>/ (ONNX graphs, tokenizer, mgm.json).

`python3 -m mgm_tiny.export --ckpt work/mgm-tiny/model.pt --out ../../models/mgm-tiny`
"""
from __future__ import annotations

import argparse
import json
import os
import shutil

import onnx
import torch

from .evaluate import load
from .onnx_export import export_decoder, export_embed, export_vision, write_manifest
from .preprocess import CLIP_MEAN, CLIP_STD, PAD_COLOUR
from .templates import TEMPLATES

DISPLAY = {"mgm-tiny": "MGM-Tiny", "mgm-tiny-hd": "MGM-Tiny-HD", "llava-tiny": "LLaVA-Tiny (no HR branch)"}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--ckpt", required=True)
    ap.add_argument("--tokenizer", default="work/tokenizer.json")
    ap.add_argument("--out", required=True)
    ap.add_argument("--eval", default="", help="JSON with accuracy figures to record in the manifest")
    args = ap.parse_args()
    torch.set_num_threads(2)
    model, builder = load(args.ckpt, args.tokenizer)
    cfg = model.cfg
    os.makedirs(args.out, exist_ok=True)
    export_vision(model, os.path.join(args.out, "vision.onnx"), cfg.views, cfg.lr_size, cfg.hr_size)
    export_embed(model, os.path.join(args.out, "embed.onnx"))
    export_decoder(model, os.path.join(args.out, "decoder.onnx"), cfg.n_layers, cfg.n_heads, cfg.head_dim, cfg.d_model)
    for g in ("vision", "embed", "decoder"):
        onnx.checker.check_model(onnx.load(os.path.join(args.out, f"{g}.onnx")))
    shutil.copy(args.tokenizer, os.path.join(args.out, "tokenizer.json"))
    tok = builder.tok
    spec = TEMPLATES[cfg.template]
    ckpt = torch.load(args.ckpt, map_location="cpu")
    manifest = {
        "format": "mgm-serve.checkpoint/v1",
        "name": cfg.name,
        "display_name": DISPLAY.get(cfg.name, cfg.name),
        "architecture": cfg.architecture,
        "template": cfg.template,
        "context_length": cfg.context_length,
        "image": {
            "process_mode": "pad",
            "lr_size": cfg.lr_size,
            "hr_size": cfg.hr_size,
            "grid": cfg.grid,
            "global_view": cfg.global_view,
            "views": cfg.views,
            "tokens_per_view": cfg.tokens_per_view,
            "visual_tokens": cfg.visual_tokens,
            "mean": list(CLIP_MEAN),
            "std": list(CLIP_STD),
            "pad_color": list(PAD_COLOUR),
            "resample": "bicubic",
        },
        "llm": {
            "hidden_size": cfg.d_model, "num_layers": cfg.n_layers, "num_attention_heads": cfg.n_heads,
            "num_kv_heads": cfg.n_heads, "head_dim": cfg.head_dim, "vocab_size": cfg.vocab_size,
            "rope_theta": cfg.rope_theta,
        },
        "kv_cache": {
            "layout": "batch,heads,seq,head_dim", "dtype": "float32",
            "past_key": "past_key_values.{layer}.key", "past_value": "past_key_values.{layer}.value",
            "present_key": "present.{layer}.key", "present_value": "present.{layer}.value",
        },
        "special_tokens": {
            "bos": spec.bos, "bos_id": tok.special[spec.bos], "eos": spec.eos, "eos_id": tok.special[spec.eos],
            "pad": "<pad>", "pad_id": tok.special["<pad>"], "image": "<image>", "add_bos": True,
        },
        "files": {"vision": "vision.onnx", "embed": "embed.onnx", "decoder": "decoder.onnx", "tokenizer": "tokenizer.json"},
        "training": ckpt.get("train", {}),
    }
    if args.eval:
        with open(args.eval) as f:
            manifest["eval"] = json.load(f)["result"]
    write_manifest(args.out, manifest)
    print(json.dumps({"exported": args.out, "files": sorted(os.listdir(args.out))}))


if __name__ == "__main__":
    main()
