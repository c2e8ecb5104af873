"""The two MGM conversation templates the tiny checkpoints are trained with, rendered as
mgm/conversation.py renders them, and cut into prompt / answer pieces for training."""
from __future__ import annotations

from dataclasses import dataclass

VICUNA_SYSTEM = (
    "A chat between a curious user and an artificial intelligence assistant. "
    "The assistant gives helpful, detailed, and polite answers to the user's questions."
)


@dataclass(frozen=True)
class TemplateSpec:
    name: str
    bos: str
    eos: str
    stop: str


TEMPLATES = {
    "vicuna_v1": TemplateSpec("vicuna_v1", bos="<s>", eos="</s>", stop="</s>"),
    "gemma": TemplateSpec("gemma", bos="<bos>", eos="<eos>", stop="<end_of_turn>"),
}


def pieces(template: str, turns: list[tuple[str, str | None]]) -> list[tuple[str, bool]]:
    """(text, is_answer) pieces whose concatenation is conversation.py's get_prompt() for
    these turns, the image placeholder first in the first user message. A last turn with
    answer None ends with the generation prompt (the assistant role with an empty message)."""
    out: list[tuple[str, bool]] = []
    if template == "vicuna_v1":
        text = VICUNA_SYSTEM + " "
        for i, (q, a) in enumerate(turns):
            q = "<image>\n" + q if i == 0 else q
            text += "USER: " + q + " " + "ASSISTANT:"
            out.append((text, False))
            text = ""
            if a is not None:
                out.append((" " + a + "</s>", True))
        return out
    if template == "gemma":
        text = ""
        for i, (q, a) in enumerate(turns):
            q = "<image>\n" + q if i == 0 else q
            text += "<start_of_turn>user\n" + q + "<end_of_turn>\n" + "<start_of_turn>model\n"
            out.append((text, False))
            text = ""
            if a is not None:
                out.append((a + "<end_of_turn>\n<eos>", True))
        return out
    raise ValueError(f"unknown template {template}")
