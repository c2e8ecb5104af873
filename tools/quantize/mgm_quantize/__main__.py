"""`python3 -m mgm_quantize models/mgm-tiny --dtype q8 --dtype q4`"""
from __future__ import annotations

import argparse
import json
import sys

from .checkpoint import DEFAULT_PLANS, quantize_checkpoint


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python3 -m mgm_quantize", description=__doc__)
    ap.add_argument("checkpoint", help="checkpoint folder with mgm.json (models/README.md)")
    ap.add_argument("--dtype", action="append", choices=sorted(DEFAULT_PLANS), help="variant(s) to write (default: q8 and q4)")
    ap.add_argument("--block-size", type=int, default=32, help="4-bit block size along K (default 32)")
    ap.add_argument("--q4-vision", choices=["int8-block", "int4"], default="int8-block",
                    help="the vision graph of the q4 variant (default: 8-bit, the q8 file, as MGM's --load-4bit keeps the towers)")
    ap.add_argument("--q8-scheme", choices=["int8-block", "int8"], default="int8-block",
                    help="8-bit storage: MatMulNBits blocks (default) or per-column DequantizeLinear (for providers without 8-bit MatMulNBits)")
    ap.add_argument("--accuracy-level", type=int, choices=[0, 1, 2, 3, 4], default=4,
                    help="MatMulNBits accuracy_level: 4 (default) lets onnxruntime's CPU provider quantise activations to int8 "
                         "per block and use its int8 kernels; 0 computes in float32 (8-bit blocks then dequantise on every call, "
                         "about 3x slower than fp32 here); the CUDA provider ignores it")
    args = ap.parse_args(argv)
    try:
        result = quantize_checkpoint(args.checkpoint, args.dtype or ["q8", "q4"], block_size=args.block_size,
                                     q4_vision=args.q4_vision, q8_scheme=args.q8_scheme, accuracy_level=args.accuracy_level,
                                     log=lambda s: print(s, file=sys.stderr))
    except (OSError, ValueError, KeyError) as err:
        print(f"mgm_quantize: {err}", file=sys.stderr)
        return 2
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
