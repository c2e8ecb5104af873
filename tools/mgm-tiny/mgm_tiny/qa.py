"""Questions and answers about a scene, in the style of MGM's instruction data."""
from __future__ import annotations

import random
from dataclasses import dataclass

from .scene import COLOURS, Scene, Shape, reading_order

SHORT_TYPES = ["shape", "colour", "count", "position", "text"]
ALL_TYPES = SHORT_TYPES + ["description", "generation"]
GEN_MARKER = " <GEN>"
NUMBER_WORDS = {1: "One", 2: "Two", 3: "Three", 4: "Four"}


@dataclass(frozen=True)
class Turn:
    question: str
    answer: str
    type: str


def where(position: str) -> str:
    if position == "center":
        return "in the center"
    if position in ("left", "right"):
        return f"on the {position}"
    return f"at the {position}"


def article(word: str) -> str:
    return "an" if word[0] in "aeiou" else "a"


def _phrase(shape: Shape, colour: str | None = None) -> str:
    colour = colour or shape.colour
    return f"{article(colour)} {colour} {shape.kind} {where(shape.position)}"


def _join(items: list[str]) -> str:
    if len(items) == 1:
        return items[0]
    return ", ".join(items[:-1]) + " and " + items[-1]


def describe(scene: Scene) -> str:
    shapes = [_phrase(s) for s in reading_order(scene)]
    n = len(shapes)
    head = f"{NUMBER_WORDS[n]} shape{'s' if n > 1 else ''}: "
    tail = f", with the code {scene.code} {where(_code_position(scene))}" if scene.code else ""
    return head + _join(shapes) + tail + "."


def _code_position(scene: Scene) -> str:
    from .scene import POSITIONS

    assert scene.code_cell is not None
    return POSITIONS[scene.code_cell]


def generation_prompt(scene: Scene, recolour: str | None = None) -> str:
    parts = [_phrase(s, recolour) for s in reading_order(scene)]
    if scene.code:
        parts.append(f"the code {scene.code} {where(_code_position(scene))}")
    return ", ".join(parts)


def _unique_ref(scene: Scene, shape: Shape, rng: random.Random) -> str:
    """The shortest unambiguous way to name a shape: its colour, its kind, or both."""
    same_colour = [s for s in scene.shapes if s.colour == shape.colour]
    same_kind = [s for s in scene.shapes if s.kind == shape.kind]
    same_both = [s for s in same_kind if s.colour == shape.colour]
    options = []
    if len(same_kind) == 1:
        options.append(f"the {shape.kind}")
    if len(same_both) == 1:
        options.append(f"the {shape.colour} {shape.kind}")
    if not options:
        raise ValueError("shape cannot be named uniquely")
    return rng.choice(options)


def _ask_shape(scene: Scene, rng: random.Random) -> Turn | None:
    if len(scene.shapes) == 1:
        q = rng.choice(["What shape is in the image?", "What is the shape in the picture?", "Which shape do you see?"])
        return Turn(q, scene.shapes[0].kind, "shape")
    candidates = [s for s in scene.shapes if sum(t.colour == s.colour for t in scene.shapes) == 1]
    if not candidates:
        return None
    s = rng.choice(candidates)
    q = rng.choice([f"What shape is the {s.colour} object?", f"Which shape is {s.colour}?", f"What is the {s.colour} shape?"])
    return Turn(q, s.kind, "shape")


def _ask_colour(scene: Scene, rng: random.Random) -> Turn | None:
    candidates = [s for s in scene.shapes if sum(t.kind == s.kind for t in scene.shapes) == 1]
    if not candidates:
        return None
    s = rng.choice(candidates)
    q = rng.choice([f"What color is the {s.kind}?", f"What is the color of the {s.kind}?", f"Which color does the {s.kind} have?"])
    return Turn(q, s.colour, "colour")


def _ask_count(scene: Scene, rng: random.Random) -> Turn:
    if rng.random() < 0.6:
        q = rng.choice(["How many shapes are there?", "How many shapes are in the image?", "Count the shapes in the picture."])
        return Turn(q, str(len(scene.shapes)), "count")
    colour = rng.choice(list(COLOURS)) if rng.random() < 0.3 else rng.choice(scene.shapes).colour
    q = f"How many {colour} shapes are there?"
    return Turn(q, str(sum(s.colour == colour for s in scene.shapes)), "count")


def _ask_position(scene: Scene, rng: random.Random) -> Turn | None:
    candidates = []
    for s in scene.shapes:
        try:
            candidates.append((s, _unique_ref(scene, s, rng)))
        except ValueError:
            continue
    if not candidates:
        return None
    s, ref = rng.choice(candidates)
    q = rng.choice([f"Where is {ref}?", f"Where is {ref} in the image?", f"In which part of the image is {ref}?"])
    return Turn(q, s.position, "position")


def _ask_text(scene: Scene, rng: random.Random) -> Turn | None:
    if scene.code is None:
        return None
    q = rng.choice(["What is the code in the image?", "Read the number written in the image.", "What number is printed in the picture?", "What does the small text say?"])
    return Turn(q, scene.code, "text")


def _ask_description(scene: Scene, rng: random.Random) -> Turn:
    q = rng.choice(["Describe the image in one sentence.", "Describe this picture briefly.", "What is in this image?"])
    return Turn(q, describe(scene), "description")


def _ask_generation(scene: Scene, rng: random.Random) -> Turn:
    if rng.random() < 0.35:
        colour = rng.choice(list(COLOURS))
        q = f"Draw this scene with every shape in {colour}." + GEN_MARKER
        prompt = generation_prompt(scene, recolour=colour)
    else:
        q = rng.choice(["Generate an image of this scene.", "Draw a picture like this one.", "Create a similar image."]) + GEN_MARKER
        prompt = generation_prompt(scene)
    return Turn(q, f"Sure, here it is. <h>{prompt}</h>", "generation")


ASKERS = {
    "shape": _ask_shape,
    "colour": _ask_colour,
    "count": _ask_count,
    "position": _ask_position,
    "text": _ask_text,
    "description": _ask_description,
    "generation": _ask_generation,
}
TRAIN_WEIGHTS = {"shape": 1.0, "colour": 1.0, "count": 1.0, "position": 1.2, "text": 1.6, "description": 0.6, "generation": 0.5}


def ask(scene: Scene, qtype: str, rng: random.Random) -> Turn | None:
    return ASKERS[qtype](scene, rng)


def random_turns(scene: Scene, rng: random.Random, n_turns: int,
                 type_weights: dict[str, float] | None = None) -> list[Turn]:
    """n_turns questions of distinct types about one scene (fewer if the scene allows fewer),
    types drawn by TRAIN_WEIGHTS with type_weights' entries in place of theirs."""
    mix = {**TRAIN_WEIGHTS, **(type_weights or {})}
    types = list(mix)
    weights = [mix[t] for t in types]
    turns: list[Turn] = []
    used: set[str] = set()
    for _ in range(n_turns * 6):
        if len(turns) == n_turns:
            break
        t = rng.choices(types, weights)[0]
        if t in used:
            continue
        turn = ask(scene, t, rng)
        if turn is not None:
            turns.append(turn)
            used.add(t)
    return turns
