"""Writes dtype variants of a checkpoint folder's graphs and lists them in its mgm.json."""
from __future__ import annotations

import json
import os
from collections import OrderedDict

from .graph import load_graph, quantize_graph, save_graph

GRAPHS = ("vision", "embed", "decoder")

# What each dtype stores per graph: (scheme, {node-name substring: scheme}).
# q8: 8-bit blocks (MatMulNBits bits=8, blocks of 32 along K with a scale and zero point each);
#     per-column int8 through DequantizeLinear lost more accuracy on the tiny checkpoints.
# q4: follows MGM's --load-4bit (bitsandbytes NF4 on the LLM; the vision towers stay in higher
#     precision and bitsandbytes leaves lm_head unquantised): the decoder's linear layers 4-bit,
#     its lm_head 8-bit, the vision and embedding graphs those of q8 (the same files).
Plan = tuple[str, dict[str, str]]
DEFAULT_PLANS: dict[str, dict[str, Plan]] = {
    "q8": {"vision": ("int8-block", {}), "embed": ("int8-block", {}), "decoder": ("int8-block", {})},
    "q4": {"vision": ("int8-block", {}), "embed": ("int8-block", {}), "decoder": ("int4", {"lm_head": "int8-block"})},
}
SCHEME_SUFFIX = {"int8": "q8dq", "int8-block": "q8", "int4": "q4"}
SCHEME_TEXT = {
    "int8": "int8 weights with a scale per output column (DequantizeLinear); Gather tables int8 with a scale per row",
    "int8-block": "8-bit weights in blocks of {block} along K, a scale and zero point per block (com.microsoft MatMulNBits); Gather tables int8 with a scale per row",
    "int4": "4-bit weights in blocks of {block} along K, a scale and zero point per block (com.microsoft MatMulNBits); Gather tables int8 with a scale per row",
}


def read_manifest(folder: str) -> OrderedDict:
    with open(os.path.join(folder, "mgm.json")) as f:
        return json.load(f, object_pairs_hook=OrderedDict)


def write_manifest(folder: str, manifest: dict) -> None:
    tmp = os.path.join(folder, "mgm.json.tmp")
    with open(tmp, "w") as f:
        json.dump(manifest, f, indent=2)
        f.write("\n")
    os.replace(tmp, os.path.join(folder, "mgm.json"))


def _with_variants(manifest: OrderedDict, variants: dict) -> OrderedDict:
    """The manifest with `variants` placed right after `files`."""
    out: OrderedDict = OrderedDict()
    for key, value in manifest.items():
        if key == "variants":
            continue
        out[key] = value
        if key == "files":
            out["variants"] = variants
    if "variants" not in out:
        out["variants"] = variants
    return out


def quantize_checkpoint(
    folder: str,
    dtypes: list[str],
    block_size: int = 32,
    q4_vision: str = "int8-block",
    q8_scheme: str = "int8-block",
    accuracy_level: int | None = 4,
    log=print,
) -> dict:
    """Writes `<graph>.<q8|q4>.onnx` beside the fp32 graphs and records them under `variants`."""
    manifest = read_manifest(folder)
    files = manifest["files"]
    variants = OrderedDict(manifest.get("variants") or {})
    written: dict[str, dict] = {}  # output file -> report
    for dtype in dtypes:
        if dtype not in DEFAULT_PLANS:
            raise ValueError(f"unknown dtype {dtype!r}: this tool writes {', '.join(DEFAULT_PLANS)}")
        plan = dict(DEFAULT_PLANS[dtype])
        if q8_scheme != "int8-block":  # every 8-bit choice of the plan takes the other 8-bit storage
            swap = lambda sch: q8_scheme if sch == "int8-block" else sch  # noqa: E731
            plan = {g: (swap(sch), {k: swap(v) for k, v in over.items()}) for g, (sch, over) in plan.items()}
        if dtype == "q4":
            plan["vision"] = (q4_vision, {})
        entry: OrderedDict = OrderedDict()
        notes: OrderedDict = OrderedDict()
        for graph in GRAPHS:
            scheme, overrides = plan[graph]
            src = os.path.join(folder, files[graph])
            stem = files[graph][: -len(".onnx")] if files[graph].endswith(".onnx") else files[graph]
            name = f"{stem}.{SCHEME_SUFFIX[scheme]}.onnx"
            out = os.path.join(folder, name)
            if out not in written:
                model = load_graph(src)
                report = quantize_graph(model, scheme, base_dir=os.path.dirname(src), block_size=block_size,
                                        accuracy_level=accuracy_level, overrides=overrides)
                paths = save_graph(model, out, os.path.dirname(src))
                written[out] = {**report.to_dict(), "bytes": sum(os.path.getsize(p) for p in paths),
                                "fp32_bytes": os.path.getsize(src)}
                log(json.dumps({"graph": graph, "file": name, **{k: v for k, v in written[out].items() if k != "skipped"}}))
            entry[graph] = name
            notes[graph] = SCHEME_TEXT[scheme].format(block=block_size) + "".join(
                f"; nodes named *{k}* {SCHEME_SUFFIX.get(v, v)}" for k, v in overrides.items())
        entry["quantization"] = notes
        variants[dtype] = entry
    write_manifest(folder, _with_variants(manifest, variants))
    return {"folder": folder, "variants": {d: variants[d] for d in dtypes},
            "files": {os.path.basename(k): v for k, v in written.items()}}
