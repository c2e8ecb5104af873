import { describe, expect, it } from 'vitest';
import { ctcGreedyDecode } from './ctc-decode.ts';
import { dbBoxes } from './db-postprocess.ts';
import { ocrTokenText } from './ocr-tokens.ts';

const box = { x: 0, y: 0, width: 1, height: 1 };

describe('ocrTokenText', () => {
  it('joins results above 0.1 confidence with ", " as MGM does, dropping the rest', () => {
    const lines = [
      { text: 'STOP', confidence: 0.98, box },
      { text: 'x', confidence: 0.1, box },
      { text: ' 42 ', confidence: 0.5, box },
      { text: '', confidence: 0.9, box },
    ];
    expect(ocrTokenText(lines)).toBe('STOP, 42');
    expect(ocrTokenText([{ text: 'x', confidence: 0.05, box }])).toBeNull();
  });
});

describe('ctcGreedyDecode', () => {
  it('collapses repeats, drops blanks, and averages the kept maxima', () => {
    const charset = ['a', 'b'];
    // steps: a a blank a b  -> "aab"
    const rows = [
      [0.1, 0.8, 0.1],
      [0.1, 0.6, 0.3],
      [0.9, 0.05, 0.05],
      [0.2, 0.7, 0.1],
      [0.1, 0.1, 0.8],
    ];
    const r = ctcGreedyDecode(Float32Array.from(rows.flat()), 5, 3, charset);
    expect(r.text).toBe('aab');
    expect(r.confidence).toBeCloseTo((0.8 + 0.7 + 0.8) / 3, 5);
  });
});

describe('dbBoxes', () => {
  it('finds one box per connected region, unclipped, in reading order', () => {
    const w = 40;
    const h = 20;
    const prob = new Float32Array(w * h);
    const fill = (x0: number, y0: number, x1: number, y1: number) => {
      for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) prob[y * w + x] = 0.9;
    };
    fill(25, 4, 35, 8); // right, same line
    fill(5, 5, 15, 9); // left
    fill(5, 14, 6, 15); // 1 pixel: noise
    const boxes = dbBoxes(prob, w, h);
    expect(boxes).toHaveLength(2);
    const [a, b] = boxes;
    // 10x4 region: d = 40 * 1.5 / 28 ≈ 2.14
    expect(a).toMatchObject({ x: 2, y: 2, width: 16, height: 10 });
    expect(b?.x).toBe(22);
    expect(a?.score).toBeCloseTo(0.9, 5);
  });
});
