"""Export a released MGM checkpoint to an MGM Serve checkpoint folder (models/README.md).

On a GPU host with the MGM repository installed:
  python3 -m export_mgm --model-path /weights/MGM-7B-HD --out /models/MGM-7B-HD
Here (no weights), the same path on tools/mgm-tiny's model dressed as a released one:
  python3 -m export_mgm --tiny-standin mgm-tiny-hd --out /tmp/standin
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import time

import torch


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python3 -m export_mgm", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    src = ap.add_mutually_exclusive_group(required=True)
    src.add_argument("--model-path", help="folder of a released MGM checkpoint (YanweiLi/MGM-7B-HD downloaded)")
    src.add_argument("--tiny-standin", choices=["mgm-tiny", "mgm-tiny-hd", "llava-tiny"],
                     help="export a seeded random tiny model through the same adapter (for tests)")
    ap.add_argument("--out", required=True, help="the checkpoint folder to write")
    ap.add_argument("--name", help="zoo name (default: the model folder's name), e.g. MGM-7B-HD")
    ap.add_argument("--mgm-repo", help="path of a clone of dvlab-research/MGM, if it is not pip-installed")
    ap.add_argument("--device", default="cuda", help="where PyTorch runs the trace: cuda (default) or cpu")
    ap.add_argument("--dtype", action="append", choices=["q8", "q4"], help="variants to write (default q8 and q4)")
    ap.add_argument("--no-variants", action="store_true", help="write the fp32 graphs only")
    ap.add_argument("--seed", type=int, default=0, help="--tiny-standin: the seed of the random weights")
    ap.add_argument("--reference", help="also write PyTorch outputs on fixed inputs (JSON) to this file")
    ap.add_argument("--threads", type=int, default=os.cpu_count() or 1)
    args = ap.parse_args(argv)
    torch.set_num_threads(args.threads)

    from .folder import load_template, write_folder
    from .reference import reference_outputs, write_reference
    from .adapter import MGMExportAdapter

    dtypes = [] if args.no_variants else (args.dtype or ["q8", "q4"])
    t0 = time.time()
    if args.tiny_standin:
        from .paths import REPO
        from .tiny_standin import tiny_standin

        name = args.tiny_standin
        template = load_template(name)
        shipped = os.path.join(REPO, "models", name)
        with open(os.path.join(shipped, "mgm.json")) as f:
            shipped_manifest = json.load(f)
        model = tiny_standin(name, shipped_manifest["llm"]["vocab_size"], args.seed)
        context_length = shipped_manifest["context_length"]
        special_tokens = shipped_manifest["special_tokens"]

        def write_tokenizer(path: str) -> None:
            shutil.copy(os.path.join(shipped, "tokenizer.json"), path)

        info = {"tool": "tools/export-mgm", "source_model": f"tiny stand-in {name} (random weights, seed {args.seed})"}
    else:
        from .released import fast_tokenizer_writer, load_released, special_tokens_of

        name = args.name or os.path.basename(os.path.normpath(args.model_path))
        template = load_template(name)
        slow, model, _ctx = load_released(args.model_path, template["name"], args.device, args.mgm_repo)
        fast, write_tokenizer = fast_tokenizer_writer(args.model_path, slow)
        special_tokens = special_tokens_of(fast)
        context_length = int(getattr(model.config, "max_position_embeddings", 0) or getattr(model.config, "max_sequence_length", 4096))
        info = {"tool": "tools/export-mgm", "source_model": os.path.abspath(args.model_path), "torch": torch.__version__}
    if context_length <= template["image"]["visual_tokens"]:
        print(f"export_mgm: context length {context_length} cannot hold {template['image']['visual_tokens']} visual tokens", file=sys.stderr)
        return 2
    adapter = MGMExportAdapter(model).eval()
    result = write_folder(adapter, template, args.out, context_length, special_tokens, write_tokenizer, info, dtypes,
                          log=lambda s: print(s, file=sys.stderr))
    if args.reference:
        write_reference(args.reference, reference_outputs(adapter, template))
    print(json.dumps({"folder": result["folder"], "name": template["name"], "variants": sorted(result["variants"]),
                      "seconds": round(time.time() - t0, 1)}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
