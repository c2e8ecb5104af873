"""A 5x7 bitmap font for digits, drawn as filled rectangles.

The code printed in the synthetic images uses no system font, so the images are the same
on every machine and with every Pillow version.
"""

GLYPHS = {
    "0": ["01110", "10001", "10011", "10101", "11001", "10001", "01110"],
    "1": ["00100", "01100", "00100", "00100", "00100", "00100", "01110"],
    "2": ["01110", "10001", "00001", "00010", "00100", "01000", "11111"],
    "3": ["11110", "00001", "00001", "01110", "00001", "00001", "11110"],
    "4": ["00010", "00110", "01010", "10010", "11111", "00010", "00010"],
    "5": ["11111", "10000", "11110", "00001", "00001", "10001", "01110"],
    "6": ["00110", "01000", "10000", "11110", "10001", "10001", "01110"],
    "7": ["11111", "00001", "00010", "00100", "01000", "01000", "01000"],
    "8": ["01110", "10001", "10001", "01110", "10001", "10001", "01110"],
    "9": ["01110", "10001", "10001", "01111", "00001", "00010", "01100"],
}
GLYPH_W, GLYPH_H = 5, 7


def text_size(text: str, scale: int, spacing: int = 1) -> tuple[int, int]:
    n = len(text)
    return (n * GLYPH_W + (n - 1) * spacing) * scale, GLYPH_H * scale


def draw_text(draw, x: int, y: int, text: str, scale: int, fill, spacing: int = 1) -> None:
    for i, ch in enumerate(text):
        ox = x + i * (GLYPH_W + spacing) * scale
        for row, bits in enumerate(GLYPHS[ch]):
            for col, bit in enumerate(bits):
                if bit == "1":
                    x0, y0 = ox + col * scale, y + row * scale
                    draw.rectangle([x0, y0, x0 + scale - 1, y0 + scale - 1], fill=fill)
