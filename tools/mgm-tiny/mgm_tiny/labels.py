"""Dense labels for pretraining the vision towers: what lies under each feature location.

MGM's towers come pretrained (CLIP ViT-L, OpenCLIP ConvNeXt-L) and stay frozen while the
projectors and the LLM learn. The tiny stand-ins get their own pretraining on the synthetic
scenes: every location of a feature map predicts its grid cell (or padding), the kind and colour
of the shape in that cell, and for each of the code's three digits, that digit if its glyph
touches the location (a location shows at most a digit or two; a token whose window covers the
whole code carries all three, each in its own slot).
"""
from __future__ import annotations

import numpy as np

from .font import GLYPH_W
from .preprocess import square_geometry
from .scene import COLOURS, SHAPES, TEXT_SCALE, Scene, layout

PAD_CELL = 9
NO_DIGIT = 10
COLOUR_NAMES = list(COLOURS)


def dense_labels(scene: Scene, res: int, view: tuple[float, float, float] = (0.0, 0.0, 1.0)) -> dict[str, np.ndarray]:
    """Labels on a res x res map covering `view` = (x, y, side) of the padded square image, in
    fractions of its side (the whole image is (0, 0, 1); an HD crop is e.g. (0.5, 0, 0.5)).
    Returns cell [res,res], kind [res,res] (0 = none), colour [res,res] (0 = none),
    digits [res,res,3]: digit i where glyph i touches the location, else NO_DIGIT."""
    side, ox, oy = square_geometry(scene.width, scene.height)
    vx, vy, vs = (v * side for v in view)
    step = vs / res
    centres = (np.arange(res) + 0.5) * step
    xs = vx + centres - ox  # canvas coordinates of the location centres
    ys = vy + centres - oy
    col = np.floor(xs / (scene.width / 3)).astype(int)
    row = np.floor(ys / (scene.height / 3)).astype(int)
    inside = (row[:, None] >= 0) & (row[:, None] < 3) & (col[None, :] >= 0) & (col[None, :] < 3)
    cell = np.where(inside, row[:, None] * 3 + col[None, :], PAD_CELL)

    kind_of_cell = np.zeros(10, dtype=np.int64)
    colour_of_cell = np.zeros(10, dtype=np.int64)
    for s in scene.shapes:
        kind_of_cell[s.cell] = SHAPES.index(s.kind) + 1
        colour_of_cell[s.cell] = COLOUR_NAMES.index(s.colour) + 1

    digits = np.full((res, res, 3), NO_DIGIT, dtype=np.int64)
    box = layout(scene).code_box
    if box is not None and scene.code is not None:
        bx, by, _, bh = box
        half = step / 2
        hit_y = (ys + half > by) & (ys - half < by + bh)
        for i, ch in enumerate(scene.code):
            gx, gw = bx + i * (GLYPH_W + 1) * TEXT_SCALE, GLYPH_W * TEXT_SCALE
            hit_x = (xs + half > gx) & (xs - half < gx + gw)
            digits[hit_y[:, None] & hit_x[None, :], i] = int(ch)
    return {"cell": cell, "kind": kind_of_cell[cell], "colour": colour_of_cell[cell], "digits": digits}
