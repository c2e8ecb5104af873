"""Writes one checkpoint folder: graphs (through mgm_tiny.onnx_export), tokenizer, mgm.json, variants."""
from __future__ import annotations

import json
import os

import onnx
import torch

from .adapter import MGMExportAdapter
from .paths import TEMPLATES, use_shared_tools

use_shared_tools()
from mgm_quantize.checkpoint import quantize_checkpoint  # noqa: E402
from mgm_tiny.onnx_export import export_decoder, export_embed, export_vision, write_manifest  # noqa: E402

GRAPH_FILES = {"vision": "vision.onnx", "embed": "embed.onnx", "decoder": "decoder.onnx"}


def load_template(name: str, path: str = TEMPLATES) -> dict:
    with open(path) as f:
        templates = json.load(f)["templates"]
    for key, t in templates.items():
        if key.lower() == name.lower():
            return json.loads(json.dumps(t))
    raise SystemExit(f"export_mgm: {name!r} has no manifest template in {path} (known: {', '.join(templates)})")


def check_geometry(adapter: MGMExportAdapter, template: dict) -> None:
    img = template["image"]
    if adapter.image_grid != img["grid"] or adapter.image_global != img["global_view"]:
        raise SystemExit(
            f"export_mgm: the checkpoint has image_grid={adapter.image_grid}, image_global={adapter.image_global} but "
            f"{template['name']} expects grid={img['grid']}, global_view={img['global_view']}: wrong --name for these weights?"
        )


def consolidate(path: str) -> list[str]:
    """Graphs over 2 GB come out of torch.onnx.export with one external file per tensor: rewrites
    them as `<graph>.onnx` + `<graph>.onnx.data` and removes the per-tensor files. Returns the
    graph's files."""
    folder = os.path.dirname(path)
    head = onnx.load(path, load_external_data=False)
    locations = {e.value for t in head.graph.initializer if t.data_location == onnx.TensorProto.EXTERNAL
                 for e in t.external_data if e.key == "location"}
    if not locations:
        return [path]
    data = os.path.basename(path) + ".data"
    model = onnx.load(path)
    onnx.save(model, path, save_as_external_data=True, all_tensors_to_one_file=True, location=data, size_threshold=1024)
    for loc in locations - {data}:
        os.remove(os.path.join(folder, loc))
    return [path, os.path.join(folder, data)]


def export_graphs(adapter: MGMExportAdapter, template: dict, llm: dict, out: str) -> None:
    img = template["image"]
    hr = img["hr_size"] if template["architecture"] == "mgm" else None
    with torch.no_grad():
        export_vision(adapter, os.path.join(out, GRAPH_FILES["vision"]), img["views"], img["lr_size"], hr)
        export_embed(adapter, os.path.join(out, GRAPH_FILES["embed"]))
        export_decoder(adapter, os.path.join(out, GRAPH_FILES["decoder"]), llm["num_layers"], llm["num_kv_heads"],
                       llm["head_dim"], llm["hidden_size"])
    for f in GRAPH_FILES.values():
        onnx.checker.check_model(os.path.join(out, f))  # the path form works past 2 GB


def assemble_manifest(template: dict, llm: dict, context_length: int, special_tokens: dict, export_info: dict) -> dict:
    manifest = {k: v for k, v in template.items() if k != "source"}
    manifest.update({
        "context_length": context_length,
        "llm": llm,
        "special_tokens": special_tokens,
        "files": {**GRAPH_FILES, "tokenizer": "tokenizer.json"},
        "export": {**export_info, "source": template.get("source")},
    })
    order = ["format", "name", "display_name", "architecture", "template", "context_length", "image", "llm", "kv_cache",
             "special_tokens", "files", "export"]
    return {k: manifest[k] for k in order if k in manifest}


def write_folder(adapter: MGMExportAdapter, template: dict, out: str, context_length: int, special_tokens: dict,
                 write_tokenizer, export_info: dict, dtypes: list[str], log=print) -> dict:
    os.makedirs(out, exist_ok=True)
    check_geometry(adapter, template)
    from .adapter import llm_dims
    llm = llm_dims(adapter.model)
    log(f"exporting graphs of {template['name']} to {out}")
    export_graphs(adapter, template, llm, out)
    for f in GRAPH_FILES.values():
        consolidate(os.path.join(out, f))
    write_tokenizer(os.path.join(out, "tokenizer.json"))
    manifest = assemble_manifest(template, llm, context_length, special_tokens, export_info)
    write_manifest(out, manifest)
    report = {}
    if dtypes:
        log(f"writing variants {', '.join(dtypes)}")
        report = quantize_checkpoint(out, dtypes, log=log)
    return {"folder": out, "manifest": manifest, "variants": report.get("variants", {})}
