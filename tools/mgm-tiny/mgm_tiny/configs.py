"""The three shipped checkpoints."""
from .model import TinyConfig


def config_for(name: str, vocab_size: int) -> TinyConfig:
    if name == "mgm-tiny":
        return TinyConfig(name=name, architecture="mgm", template="vicuna_v1", hr_size=192, vocab_size=vocab_size)
    if name == "mgm-tiny-hd":
        return TinyConfig(name=name, architecture="mgm", template="gemma", hr_size=384, grid=2, global_view=True,
                          vocab_size=vocab_size)
    if name == "llava-tiny":
        return TinyConfig(name=name, architecture="llava", template="vicuna_v1", hr_size=None, vocab_size=vocab_size)
    raise ValueError(f"unknown checkpoint {name}")


CHECKPOINTS = ["mgm-tiny", "mgm-tiny-hd", "llava-tiny"]
