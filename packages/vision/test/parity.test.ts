// Parity of @mgm/vision with reference/preprocess_ref.py (PIL + numpy, the steps MGM's Python
// stack runs) on generated images and on the shipped eval images when they exist.
//
// Tolerance, and why:
// - the uint8 pixels the CLIP step normalises (pad/resize + Pillow BICUBIC resize + centre crop)
//   must be identical: the resampler is a port of Pillow's fixed-point ImagingResample, so any
//   difference is a bug, not rounding;
// - images_aux (the HR tensor) must be identical too: (v/255 - mean)/std is computed with the
//   same float32 operations as transformers (v * (1/255) in float64 then float32 equals the
//   float32 quotient for all 256 bytes);
// - images (LR views) may differ by float32 rounding only: the bilinear step blends the two rows
//   first and then the two columns, torch (and the reference) the other way round. Bound 1e-5
//   in normalised units, i.e. under 1/1000 of one grey level (one level = 1/255/std ~ 0.015).
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeImage } from '../src/decode-image.ts';
import type { ImageSpec, ProcessMode } from '../src/image-spec.ts';
import type { RgbImage } from '../src/image-types.ts';
import { normalizeUpload } from '../src/normalize-upload.ts';
import { Preprocessor } from '../src/preprocess.ts';
import { resampleFilters } from '../src/resample-coeffs.ts';
import { ImageKernels } from '../src/wasm-kernels.ts';
import { encodeRgb, photoLikePixels } from './images.ts';
import { type Diff, diff, readF32, readU8, type ReferenceJob, referenceUnavailable, runReference } from './reference.ts';
import { hdSpec, llavaSpec, tinySpec } from './specs.ts';

const unavailable = referenceUnavailable();
if (unavailable) console.warn(`[vision parity] SKIPPED: ${unavailable}; the parity tests need /usr/bin/python3 with PIL and numpy.`);

const evalDir = fileURLToPath(new URL('../../../models/eval/images/', import.meta.url));
const specs: Record<string, ImageSpec> = { tiny: tinySpec, hd: hdSpec, llava: llavaSpec };
const modes: ProcessMode[] = ['pad', 'crop', 'resize'];

interface Case {
  image: string;
  rgb: RgbImage;
  spec: string;
  mode: ProcessMode;
  out: string;
}

describe.skipIf(unavailable !== null)('parity with the PIL + numpy reference', () => {
  let dir = '';
  const images: { name: string; path: string; rgb: RgbImage }[] = [];
  const cases: Case[] = [];
  const resizeCases: { name: string; rgb: RgbImage; width: number; height: number; filter: (typeof resampleFilters)[number]; out: string }[] = [];
  let downscale: { rgb: RgbImage; path: string; out: string; result?: { width: number; height: number } } | null = null;
  const pre = new Preprocessor();
  const kernels = new ImageKernels();

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'mgm-vision-parity-'));
    const generated: [string, number, number][] = [
      ['landscape', 320, 240],
      ['portrait', 150, 260],
      ['square', 200, 200],
      ['small', 61, 37],
      ['odd-wide', 401, 97],
      ['tall-strip', 40, 333],
    ];
    for (const [name, w, h] of generated) {
      const rgb = photoLikePixels(w, h, name.length);
      const path = join(dir, `${name}.png`);
      writeFileSync(path, await encodeRgb(rgb, 'png'));
      images.push({ name, path, rgb });
    }
    let evalFiles: string[] = [];
    try {
      evalFiles = readdirSync(evalDir).filter((f) => f.endsWith('.png')).sort();
    } catch {
      console.warn(`[vision parity] ${evalDir} not found: generated images only`);
    }
    const step = Math.max(1, Math.floor(evalFiles.length / 8));
    for (const f of evalFiles.filter((_, i) => i % step === 0).slice(0, 8)) {
      const path = join(evalDir, f);
      images.push({ name: `eval/${f}`, path, rgb: await decodeImage(readU8(path)) });
    }
    const jobs: ReferenceJob[] = [];
    for (const [specName, spec] of Object.entries(specs)) {
      const specPath = join(dir, `${specName}.json`);
      writeFileSync(specPath, JSON.stringify(spec));
      for (const img of images) {
        for (const mode of modes) {
          const out = join(dir, 'out', `${img.name.replace('/', '_')}-${specName}-${mode}`);
          cases.push({ image: img.name, rgb: img.rgb, spec: specName, mode, out });
          jobs.push({ cmd: 'preprocess', image: img.path, spec: specPath, mode, out });
        }
      }
    }
    const resizeSource = images[0] as (typeof images)[number];
    for (const filter of resampleFilters) {
      for (const [w, h] of [[640, 480], [97, 300], [33, 25], [320, 241]] as const) {
        const out = join(dir, `resize-${filter}-${w}x${h}.bin`);
        resizeCases.push({ name: `${filter} 320x240->${w}x${h}`, rgb: resizeSource.rgb, width: w, height: h, filter, out });
        jobs.push({ cmd: 'resize', image: resizeSource.path, width: w, height: h, filter, out });
      }
    }
    const big = photoLikePixels(1500, 700, 21);
    const bigPath = join(dir, 'big.png');
    writeFileSync(bigPath, await encodeRgb(big, 'png'));
    downscale = { rgb: big, path: bigPath, out: join(dir, 'downscale.bin') };
    jobs.push({ cmd: 'downscale', image: bigPath, out: downscale.out });
    mkdirSync(join(dir, 'out'), { recursive: true });
    const results = runReference(join(dir, 'jobs.json'), jobs, writeFileSync);
    downscale.result = results[results.length - 1] as { width: number; height: number };
  }, 300_000);

  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('covers generated and eval images', () => {
    expect(images.length).toBeGreaterThanOrEqual(6);
    expect(cases.length).toBe(images.length * 3 * modes.length);
  });

  it('CLIP-step pixels and the HR tensor are identical; LR views within 1e-5', () => {
    const worst: Record<string, Diff & { where: string }> = {};
    const keep = (key: string, d: Diff, where: string): void => {
      const w = worst[key];
      if (!w || d.max > w.max) worst[key] = { ...d, where };
    };
    for (const c of cases) {
      const spec = specs[c.spec] as ImageSpec;
      const where = `${c.image} ${c.spec} ${c.mode}`;
      const pixels = pre.clipPixels(c.rgb, spec, c.mode);
      const dPix = diff(pixels.data, readU8(join(c.out, 'hr_u8.bin')));
      keep('pixels (0-255)', dPix, where);
      expect(dPix.max, where).toBe(0);
      const r = pre.run(c.rgb, spec, c.mode);
      const dImg = diff(r.images, readF32(join(c.out, 'images.f32')));
      keep('images', dImg, where);
      expect(dImg.max, where).toBeLessThanOrEqual(1e-5);
      if (spec.hr_size !== null) {
        const dAux = diff(r.imagesAux as Float32Array, readF32(join(c.out, 'images_aux.f32')));
        keep('images_aux', dAux, where);
        expect(dAux.max, where).toBe(0);
      } else {
        expect(r.imagesAux).toBeNull();
      }
    }
    for (const [key, d] of Object.entries(worst)) {
      console.info(`[vision parity] ${key}: worst max abs ${d.max.toExponential(2)} (mean ${d.mean.toExponential(2)}) at ${d.where}, ${cases.length} cases`);
    }
  });

  it("Image.resize is reproduced bit for bit (bicubic, bilinear, lanczos; up and down)", () => {
    for (const c of resizeCases) {
      const ours = kernels.resize({ image: c.rgb }, { width: c.width, height: c.height, filter: c.filter });
      expect(diff(ours.data, readU8(c.out)).max, c.name).toBe(0);
    }
  });

  it("normalizeUpload's 1344/672 downscale matches MGM's PIL resize", async () => {
    const d = downscale as NonNullable<typeof downscale>;
    const up = await normalizeUpload(readU8(d.path));
    expect([up.width, up.height]).toEqual([d.result?.width, d.result?.height]);
    const stored = await sharp(up.png).raw().toBuffer();
    expect(diff(stored, readU8(d.out)).max).toBe(0);
  });
});
