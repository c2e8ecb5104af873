/** tools/mgm-tiny/mgm_tiny/font.py: the 5x7 bitmap digits printed in the synthetic scenes. */
export const GLYPHS: Readonly<Record<string, readonly string[]>> = {
  '0': ['01110', '10001', '10011', '10101', '11001', '10001', '01110'],
  '1': ['00100', '01100', '00100', '00100', '00100', '00100', '01110'],
  '2': ['01110', '10001', '00001', '00010', '00100', '01000', '11111'],
  '3': ['11110', '00001', '00001', '01110', '00001', '00001', '11110'],
  '4': ['00010', '00110', '01010', '10010', '11111', '00010', '00010'],
  '5': ['11111', '10000', '11110', '00001', '00001', '10001', '01110'],
  '6': ['00110', '01000', '10000', '11110', '10001', '10001', '01110'],
  '7': ['11111', '00001', '00010', '00100', '01000', '01000', '01000'],
  '8': ['01110', '10001', '10001', '01110', '10001', '10001', '01110'],
  '9': ['01110', '10001', '10001', '01111', '00001', '00010', '01100'],
};
export const GLYPH_W = 5;
export const GLYPH_H = 7;

export function textSize(text: string, scale: number, spacing = 1): { width: number; height: number } {
  const n = text.length;
  return { width: (n * GLYPH_W + (n - 1) * spacing) * scale, height: GLYPH_H * scale };
}

/** The filled squares of `text` drawn at (x, y), as font.py's draw_text. */
export function textRects(x: number, y: number, text: string, scale: number, spacing = 1): { x: number; y: number; size: number }[] {
  const rects: { x: number; y: number; size: number }[] = [];
  [...text].forEach((ch, i) => {
    const glyph = GLYPHS[ch];
    if (!glyph) throw new Error(`no glyph for "${ch}"`);
    const ox = x + i * (GLYPH_W + spacing) * scale;
    glyph.forEach((bits, row) => {
      [...bits].forEach((bit, col) => {
        if (bit === '1') rects.push({ x: ox + col * scale, y: y + row * scale, size: scale });
      });
    });
  });
  return rects;
}
