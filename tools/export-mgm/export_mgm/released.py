"""Loading a released MGM checkpoint with the MGM repository's own code, and its tokenizer."""
from __future__ import annotations

import os
import sys


def load_released(model_path: str, name: str, device: str, mgm_repo: str | None):
    """`mgm.model.builder.load_pretrained_model`, then float32 (the builder loads float16)."""
    if mgm_repo:
        sys.path.insert(0, os.path.abspath(mgm_repo))
    try:
        from mgm.model.builder import load_pretrained_model
    except ImportError as err:
        raise SystemExit(
            "export_mgm: the MGM repository's code is not importable "
            f"({err}); clone dvlab-research/MGM, `pip install -e .` it, or pass --mgm-repo PATH"
        ) from err
    # MGM picks the model class from the name ("8x7b" Mixtral, "2b" Gemma, else Llama): give the zoo name.
    tokenizer, model, _processor, context_len = load_pretrained_model(
        model_path, None, name, device_map={"": device}, device=device)
    model = model.float().eval()
    return tokenizer, model, context_len


def fast_tokenizer_writer(model_path: str, slow_tokenizer):
    """A writer of tokenizer.json: the fast (Rust) tokenizer of the checkpoint with the tokens MGM added."""
    from transformers import AutoTokenizer

    fast = AutoTokenizer.from_pretrained(model_path, use_fast=True)
    added = [t for t in slow_tokenizer.get_added_vocab() if t not in fast.get_vocab()]
    if added:
        fast.add_tokens(added, special_tokens=True)

    def write(path: str) -> None:
        fast.backend_tokenizer.save(path)

    return fast, write


def special_tokens_of(tokenizer) -> dict:
    """bos / eos / pad as the tokenizer defines them; add_bos as its encoding of a text shows."""
    ids = tokenizer("a").input_ids
    st = {"eos": tokenizer.eos_token, "eos_id": tokenizer.eos_token_id, "image": "<image>"}
    if tokenizer.bos_token is not None:
        st.update(bos=tokenizer.bos_token, bos_id=tokenizer.bos_token_id)
    if tokenizer.pad_token is not None:
        st.update(pad=tokenizer.pad_token, pad_id=tokenizer.pad_token_id)
    st["add_bos"] = bool(ids) and tokenizer.bos_token_id is not None and ids[0] == tokenizer.bos_token_id
    return st
