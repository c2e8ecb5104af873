"""Rebuild a PyTorch checkpoint (model.pt) from a shipped ONNX folder.

`python3 -m mgm_tiny.import_onnx --folder ../../models/llava-tiny --tokenizer work/tokenizer.json \
    --out work/llava-tiny/model.pt [--towers-out work/towers.pt]`

The PyTorch weights are not committed; the ONNX graphs are. A later stage of training (or a
re-export with another graph output) starts from what ships, not from a retrained copy.
torch.onnx keeps the names of most parameters but stores each Linear's weight transposed under
an anonymous `onnx::MatMul_N` name. Those names depend only on the graph's structure, so a
fresh model of the same config exported by the same code gives the same anonymous names, and
the fresh export's own weights say which parameter each name holds.
"""
from __future__ import annotations

import argparse
import json
import os
import tempfile

import numpy as np
import onnx
import onnx.numpy_helper
import torch

from .configs import config_for
from .model import MGMTiny, TinyConfig
from .onnx_export import export_decoder, export_embed, export_vision
from .tokenizer import Tokenizer

GRAPHS = ("vision", "embed", "decoder")


def initializers(path: str) -> dict[str, np.ndarray]:
    return {i.name: onnx.numpy_helper.to_array(i) for i in onnx.load(path).graph.initializer}


def export_all(model: MGMTiny, folder: str, attention: bool = True) -> None:
    cfg = model.cfg
    export_vision(model, os.path.join(folder, "vision.onnx"), cfg.views, cfg.lr_size, cfg.hr_size, attention)
    export_embed(model, os.path.join(folder, "embed.onnx"))
    export_decoder(model, os.path.join(folder, "decoder.onnx"), cfg.n_layers, cfg.n_heads, cfg.head_dim, cfg.d_model)


def name_map(model: MGMTiny, graph: str, fresh: dict[str, np.ndarray]) -> dict[str, tuple[str, bool]]:
    """ONNX initializer name -> (state_dict key, stored transposed) for one freshly exported graph."""
    state = {k: v.detach().numpy() for k, v in model.state_dict().items()}
    out: dict[str, tuple[str, bool]] = {}
    for name, arr in fresh.items():
        key = name[len("model."):] if name.startswith("model.") else None
        if key in state:
            out[name] = (key, False)
            continue
        hits = [(k, t) for k, v in state.items() for t in (False, True)
                if (v.T if t else v).shape == arr.shape and np.array_equal(v.T if t else v, arr)]
        if len(hits) != 1:
            raise RuntimeError(f"{graph}: {name} {arr.shape} matches {len(hits)} parameters")
        out[name] = hits[0]
    return out


def import_folder(folder: str, vocab_size: int, recipe: str) -> tuple[MGMTiny, dict]:
    with open(os.path.join(folder, "mgm.json")) as f:
        manifest = json.load(f)
    cfg = config_for(manifest["name"], vocab_size, recipe)
    torch.manual_seed(1234)
    fresh_model = MGMTiny(cfg).eval()
    with torch.no_grad():  # distinct values everywhere: the exporter merges equal initializers (fresh norms)
        for p in fresh_model.parameters():
            p.copy_(torch.randn_like(p))
    model = MGMTiny(cfg).eval()
    loaded: dict[str, torch.Tensor] = {}
    # graphs exported before the lens existed have no mining_attention output (another structure)
    attention = "mining_attention" in {o.name for o in onnx.load(os.path.join(folder, manifest["files"]["vision"])).graph.output}
    with tempfile.TemporaryDirectory() as tmp:
        export_all(fresh_model, tmp, attention)
        for g in GRAPHS:
            fresh = initializers(os.path.join(tmp, f"{g}.onnx"))
            shipped = initializers(os.path.join(folder, manifest["files"][g]))
            if set(fresh) != set(shipped):
                raise RuntimeError(f"{g}: the shipped graph's initializers differ from a fresh export's")
            for name, (key, transposed) in name_map(fresh_model, g, fresh).items():
                arr = shipped[name].T if transposed else shipped[name]
                loaded[key] = torch.from_numpy(np.ascontiguousarray(arr))
    missing = set(model.state_dict()) - set(loaded)
    if missing:
        raise RuntimeError(f"not in the ONNX graphs: {sorted(missing)}")
    model.load_state_dict(loaded)
    return model, manifest


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--folder", required=True, help="a shipped checkpoint folder (models/<name>)")
    ap.add_argument("--tokenizer", required=True)
    ap.add_argument("--out", required=True, help="model.pt to write")
    ap.add_argument("--recipe", default="cpu")
    ap.add_argument("--towers-out", default="", help="also write the frozen towers as pretrain_towers does")
    args = ap.parse_args()
    torch.set_num_threads(2)
    tok = Tokenizer.load(args.tokenizer)
    model, manifest = import_folder(args.folder, len(tok.vocab), args.recipe)
    train = dict(manifest.get("training", {}))
    train["imported_from"] = os.path.normpath(args.folder)
    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    torch.save({"config": model.cfg.to_dict(), "state_dict": model.state_dict(), "train": train}, args.out)
    if args.towers_out:
        if model.cfg.architecture != "mgm":
            raise SystemExit("--towers-out needs a checkpoint with both towers (an mgm one)")
        torch.save({"vision_tower": model.vision_tower.state_dict(),
                    "vision_tower_aux": model.vision_tower_aux.state_dict(),
                    "train": train.get("towers") or {"imported_from": train["imported_from"]}}, args.towers_out)
    print(json.dumps({"imported": args.folder, "out": args.out, "steps": train.get("steps"),
                      "prior_steps": train.get("prior_steps")}))


if __name__ == "__main__":
    main()
