// How close each resize option is to Pillow's Image.resize(BICUBIC), the filter the checkpoints
// were trained with: sharp/libvips (kernel 'cubic', Catmull-Rom) against our port of Pillow's
// resampler. Also sharp's JPEG decoding against PIL's. Figures in 0-255 units.
// Usage: npx tsx bench/resample-accuracy.ts [--python /usr/bin/python3]
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import sharp from 'sharp';
import { decodeImage } from '../src/decode-image.ts';
import type { RgbImage } from '../src/image-types.ts';
import { ImageKernels } from '../src/wasm-kernels.ts';
import { encodeRgb } from '../test/images.ts';
import { diff, readU8, type ReferenceJob, referenceUnavailable, runReference } from '../test/reference.ts';
import { photoLikeJpeg, photoLikePixels } from './photo.ts';

const { values: args } = parseArgs({ options: { python: { type: 'string' } } });
if (args.python) process.env.MGM_PYTHON = args.python;
const unavailable = referenceUnavailable();
if (unavailable) {
  process.stderr.write(`needs Python with PIL + numpy: ${unavailable}\n`);
  process.exit(2);
}

const dir = mkdtempSync(join(tmpdir(), 'mgm-vision-accuracy-'));
try {
  const sources: { name: string; path: string; rgb: RgbImage; sizes: [number, number][] }[] = [];
  const photo = photoLikePixels(1000, 750, 1);
  const photoPath = join(dir, 'photo.png');
  writeFileSync(photoPath, await encodeRgb(photo, 'png'));
  // HR 768 and 1536 (crop), the 1000 x 1000 pad square to 768, the tiny sizes.
  sources.push({ name: 'photo 1000x750', path: photoPath, rgb: photo, sizes: [[1024, 768], [2048, 1536], [768, 576], [256, 192], [64, 48]] });
  const evalDir = fileURLToPath(new URL('../../../models/eval/images/', import.meta.url));
  try {
    for (const f of readdirSync(evalDir).filter((n) => n.endsWith('.png')).sort().slice(0, 4)) {
      const path = join(evalDir, f);
      const rgb = await decodeImage(readU8(path));
      const s = Math.min(rgb.width, rgb.height);
      const size = (t: number): [number, number] => [Math.round((rgb.width * t) / s), Math.round((rgb.height * t) / s)];
      sources.push({ name: `eval ${f} ${rgb.width}x${rgb.height}`, path, rgb, sizes: [size(192), size(384), size(48)] });
    }
  } catch {
    process.stderr.write(`(no ${evalDir}: generated image only)\n`);
  }
  const jobs: ReferenceJob[] = [];
  const cases: { source: (typeof sources)[number]; w: number; h: number; out: string }[] = [];
  for (const s of sources) {
    for (const [w, h] of s.sizes) {
      const out = join(dir, `${cases.length}.bin`);
      cases.push({ source: s, w, h, out });
      jobs.push({ cmd: 'resize', image: s.path, width: w, height: h, filter: 'bicubic', out });
    }
  }
  const jpeg = await photoLikeJpeg(1000, 750, 1);
  const jpegPath = join(dir, 'photo.jpg');
  writeFileSync(jpegPath, jpeg);
  jobs.push({ cmd: 'decode', image: jpegPath, out: join(dir, 'jpeg.bin') });
  runReference(join(dir, 'jobs.json'), jobs, writeFileSync);

  const kernels = new ImageKernels();
  const pct = (a: ArrayLike<number>, b: ArrayLike<number>): string => {
    let n = 0;
    for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) n++;
    return `${((100 * n) / a.length).toFixed(1)}%`;
  };
  process.stdout.write('| source | to | sharp cubic: max / mean / values differing | Pillow port: max / mean |\n|---|---|---|---|\n');
  for (const c of cases) {
    const pil = readU8(c.out);
    const { rgb } = c.source;
    const viaSharp = await sharp(rgb.data, { raw: { width: rgb.width, height: rgb.height, channels: 3 } })
      .resize(c.w, c.h, { kernel: 'cubic', fit: 'fill' })
      .raw()
      .toBuffer();
    const port = kernels.resize({ image: rgb }, { width: c.w, height: c.h, filter: 'bicubic' }).data;
    const ds = diff(viaSharp, pil);
    const dp = diff(port, pil);
    const how = c.w === rgb.width ? 'same size' : `${c.w > rgb.width ? 'up' : 'down'} x${(c.w / rgb.width).toFixed(2)}`;
    process.stdout.write(
      `| ${c.source.name} | ${c.w}x${c.h} (${how}) | ${ds.max} / ${ds.mean.toFixed(3)} / ${pct(viaSharp, pil)} | ${dp.max} / ${dp.mean.toFixed(3)} |\n`,
    );
  }
  const decoded = await decodeImage(jpeg);
  const dj = diff(decoded.data, readU8(join(dir, 'jpeg.bin')));
  process.stdout.write(`\nJPEG q90 1000x750 decode, sharp vs PIL: max ${dj.max}, mean ${dj.mean.toFixed(4)}, values differing ${pct(decoded.data, readU8(join(dir, 'jpeg.bin')))}\n`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
