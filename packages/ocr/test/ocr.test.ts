import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { isMgmError } from '@mgm/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Ocr, ocrTokenText } from '../src/index.ts';
import { renderedCodeScenes, shippedCodeImages } from '../bench/code-scenes.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const evalDir = path.resolve(here, '../../../models/eval');

describe('PaddleOCR PP-OCRv4 through onnxruntime-node', () => {
  let ocr: Ocr;
  beforeAll(async () => {
    ocr = await Ocr.load();
  });
  afterAll(async () => {
    await ocr.close();
  });

  it('reads the 3-digit code drawn with the 5x7 font in a shipped test image', async () => {
    // models/eval/test.jsonl: 0000-1 "What number is printed in the picture?" -> "641"
    const lines = await ocr.recognize(await readFile(path.join(evalDir, 'images/test-0000.png')));
    expect(lines.map((l) => l.text)).toContain('641');
    expect(ocrTokenText(lines)).toBe('641');
  });

  it('gives the model the exact code of a fixed sample of scenes: rendered at 3 to 6 px per dot and shipped ones', async () => {
    // Issue 17: PaddleOCR alone read 037 as 837, 170 as 176, 240 as 248 (the slashed zero).
    const rendered = await renderedCodeScenes(12, 5, ['037', '170', '240', '809', '050', '790', '100', '302']);
    const shipped = shippedCodeImages().filter((s) => ['images/test-0004.png', 'images/test-0008.png', 'images/test-0010.png', 'images/test-0000.png'].includes(s.name));
    expect(shipped).toHaveLength(4);
    const misread: string[] = [];
    const readers = new Set<string | undefined>();
    for (const scene of [...rendered, ...shipped]) {
      const lines = await ocr.recognize(scene.png);
      const text = ocrTokenText(lines);
      if (text !== scene.code) misread.push(`${scene.variant}: ${scene.code} read as ${text}`);
      readers.add(lines.find((l) => l.text === scene.code)?.reader);
    }
    // PaddleOCR alone (dotFont: null, as before the bitmap-font reader) misreads 9 of these 16 (037→837, 170→176, 240→248 on the shipped images among them).
    expect(misread).toEqual([]);
    expect([...readers]).toEqual(['dot-font']);
  }, 120_000);

  it('reads two lines of printed DejaVu text in reading order, boxes in image pixels', async () => {
    const lines = await ocr.recognize(await readFile(path.join(here, 'fixtures/printed-text.png')));
    const kept = lines.filter((l) => l.confidence > 0.1);
    // DB may return a line as one box or one box per word: both read the same in order.
    expect(kept.map((l) => l.text).join(' ').split(/\s+/u)).toEqual(['Gemini', '2024', 'OPEN', '9AM']);
    expect(kept[0]?.box.y).toBeLessThan(70);
    expect(kept.at(-1)?.box.y).toBeGreaterThan(90);
    for (const l of kept) {
      expect(l.box.x + l.box.width).toBeLessThanOrEqual(480);
      expect(l.confidence).toBeGreaterThan(0.8);
    }
  });

  it('finds no text in an image without any', async () => {
    const sharp = (await import('sharp')).default;
    const blank = await sharp({ create: { width: 200, height: 120, channels: 3, background: '#ffffff' } }).png().toBuffer();
    expect(ocrTokenText(await ocr.recognize(blank))).toBeNull();
  });

  it('rejects bytes that are not an image with IMAGE_INVALID', async () => {
    const err = await ocr.recognize(new TextEncoder().encode('not an image')).catch((e: unknown) => e);
    expect(isMgmError(err) && err.code).toBe('IMAGE_INVALID');
  });
});

describe('model files', () => {
  it('says which file is missing when given a folder without them', async () => {
    const err = await Ocr.load({ modelDir: here }).catch((e: unknown) => e);
    expect(isMgmError(err) && err.code).toBe('CHECKPOINT_FILE_MISSING');
    expect((err as Error).message).toContain('ch_PP-OCRv4_det_infer.onnx');
  });
});
