"""Sizes of the three checkpoints per recipe: `cpu` (what ships, trained by train-cpu.sh) and
`gpu` (the first, wider checkpoints trained end to end by gpu-train.sh; the exporter's stand-in)."""
import dataclasses

from .model import TinyConfig

RECIPES = ["gpu", "cpu"]


def config_for(name: str, vocab_size: int, recipe: str = "gpu") -> TinyConfig:
    if name == "mgm-tiny":
        cfg = TinyConfig(name=name, architecture="mgm", template="vicuna_v1", hr_size=192, vocab_size=vocab_size)
    elif name == "mgm-tiny-hd":
        cfg = TinyConfig(name=name, architecture="mgm", template="vicuna_v1", hr_size=384, grid=2, global_view=True,
                         vocab_size=vocab_size)
    elif name == "llava-tiny":
        cfg = TinyConfig(name=name, architecture="llava", template="vicuna_v1", hr_size=None, vocab_size=vocab_size)
    else:
        raise ValueError(f"unknown checkpoint {name}")
    if recipe == "cpu":
        # one block per ConvNeXt stage and a narrower, shallower LLM: a third of the CPU time a step
        return dataclasses.replace(cfg, conv_depths=[1, 1, 1], d_model=192, n_layers=3, ffn=512)
    if recipe != "gpu":
        raise ValueError(f"unknown recipe {recipe}")
    return cfg


CHECKPOINTS = ["mgm-tiny", "mgm-tiny-hd", "llava-tiny"]
