"""Synthetic scenes: 1-4 coloured shapes on a 3x3 grid, sometimes a small 3-digit code."""
from __future__ import annotations

import math
import os
import random
from dataclasses import dataclass

from PIL import Image, ImageDraw

from .font import draw_text, text_size

SHAPES = ["circle", "square", "triangle", "star", "diamond"]
COLOURS = {
    "red": (220, 40, 40),
    "green": (40, 170, 60),
    "blue": (40, 80, 220),
    "yellow": (235, 200, 30),
    "purple": (140, 60, 180),
    "orange": (245, 130, 20),
}
POSITIONS = [
    "top left", "top", "top right",
    "left", "center", "right",
    "bottom left", "bottom", "bottom right",
]
CANVAS_SIZES = [(192, 192), (224, 168), (168, 224), (240, 192), (192, 240), (256, 192), (208, 208)]
BACKGROUNDS = [(250, 250, 250), (244, 241, 232), (236, 242, 248), (255, 255, 255)]
TEXT_COLOUR = (25, 25, 25)
# The code is printed at 3x the 5x7 font (strokes of 3 px at HR 192: the ConvNeXt's digit
# read-out stayed at chance at 2x), with less jitter at 3x so that it stays in its cell.
# MGM_TINY_TEXT_SCALE=2 regenerates the data the first (H100-trained) checkpoints used.
TEXT_SCALE = int(os.environ.get("MGM_TINY_TEXT_SCALE", "3"))
CODE_JITTER = 0.1 if TEXT_SCALE <= 2 else 0.05


@dataclass(frozen=True)
class Shape:
    kind: str
    colour: str
    cell: int  # 0..8, row-major on the 3x3 grid

    @property
    def position(self) -> str:
        return POSITIONS[self.cell]


@dataclass(frozen=True)
class Scene:
    width: int
    height: int
    background: tuple[int, int, int]
    shapes: tuple[Shape, ...]
    code: str | None
    code_cell: int | None
    jitter: int  # seed for in-cell jitter of sizes and offsets

    def key(self) -> str:
        """What the scene shows (ignores canvas and jitter): splits never share one."""
        parts = sorted(f"{s.colour}-{s.kind}-{s.cell}" for s in self.shapes)
        return "|".join(parts) + f"#{self.code}@{self.code_cell}"


def random_scene(rng: random.Random) -> Scene:
    width, height = rng.choice(CANVAS_SIZES)
    n = rng.choice([1, 1, 2, 2, 3, 3, 4])
    cells = rng.sample(range(9), n + 1)
    shapes = tuple(
        Shape(kind=rng.choice(SHAPES), colour=rng.choice(list(COLOURS)), cell=cell) for cell in cells[:n]
    )
    has_code = rng.random() < 0.5
    code = "".join(rng.choice("0123456789") for _ in range(3)) if has_code else None
    return Scene(
        width=width,
        height=height,
        background=rng.choice(BACKGROUNDS),
        shapes=shapes,
        code=code,
        code_cell=cells[n] if has_code else None,
        jitter=rng.randrange(1 << 30),
    )


def _cell_box(scene: Scene, cell: int) -> tuple[float, float, float, float]:
    cw, ch = scene.width / 3, scene.height / 3
    r, c = divmod(cell, 3)
    return c * cw, r * ch, cw, ch


def _star(cx: float, cy: float, r: float) -> list[tuple[float, float]]:
    pts = []
    for i in range(10):
        rad = r if i % 2 == 0 else r * 0.45
        a = -math.pi / 2 + i * math.pi / 5
        pts.append((cx + rad * math.cos(a), cy + rad * math.sin(a)))
    return pts


@dataclass(frozen=True)
class Placed:
    shape: Shape
    cx: float
    cy: float
    r: float


@dataclass(frozen=True)
class Layout:
    """Where render() draws everything, in canvas pixels (the dense labels of the towers'
    pretraining are computed from it)."""
    shapes: tuple[Placed, ...]
    code_box: tuple[int, int, int, int] | None  # x, y, width, height


def layout(scene: Scene) -> Layout:
    rng = random.Random(scene.jitter)
    placed = []
    for shape in scene.shapes:
        x, y, w, h = _cell_box(scene, shape.cell)
        side = min(w, h)
        r = side * rng.uniform(0.30, 0.42)
        cx = x + w / 2 + rng.uniform(-0.06, 0.06) * w
        cy = y + h / 2 + rng.uniform(-0.06, 0.06) * h
        placed.append(Placed(shape, cx, cy, r))
    code_box = None
    if scene.code is not None and scene.code_cell is not None:
        x, y, w, h = _cell_box(scene, scene.code_cell)
        tw, th = text_size(scene.code, TEXT_SCALE)
        tx = int(x + (w - tw) / 2 + rng.uniform(-CODE_JITTER, CODE_JITTER) * w)
        ty = int(y + (h - th) / 2 + rng.uniform(-0.1, 0.1) * h)
        code_box = (tx, ty, tw, th)
    return Layout(tuple(placed), code_box)


def render(scene: Scene) -> Image.Image:
    img = Image.new("RGB", (scene.width, scene.height), scene.background)
    draw = ImageDraw.Draw(img)
    plan = layout(scene)
    for p in plan.shapes:
        cx, cy, r = p.cx, p.cy, p.r
        fill = COLOURS[p.shape.colour]
        kind = p.shape.kind
        if kind == "circle":
            draw.ellipse([cx - r, cy - r, cx + r, cy + r], fill=fill)
        elif kind == "square":
            s = r * 0.9
            draw.rectangle([cx - s, cy - s, cx + s, cy + s], fill=fill)
        elif kind == "triangle":
            draw.polygon([(cx, cy - r), (cx + r, cy + r * 0.8), (cx - r, cy + r * 0.8)], fill=fill)
        elif kind == "star":
            draw.polygon(_star(cx, cy, r * 1.1), fill=fill)
        elif kind == "diamond":
            draw.polygon([(cx, cy - r), (cx + r * 0.8, cy), (cx, cy + r), (cx - r * 0.8, cy)], fill=fill)
    if plan.code_box is not None and scene.code is not None:
        draw_text(draw, plan.code_box[0], plan.code_box[1], scene.code, TEXT_SCALE, TEXT_COLOUR)
    return img


def reading_order(scene: Scene) -> list[Shape]:
    return sorted(scene.shapes, key=lambda s: s.cell)
