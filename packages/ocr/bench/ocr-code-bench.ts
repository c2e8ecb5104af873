/**
 * npm run bench:ocr [-- --scenes 200 --seed 17 --shipped 80]
 *
 * How often the OCR text the model gets (`ocrTokenText`) is exactly the scene's 3-digit code:
 * PaddleOCR alone (before) against the bitmap-font reader first, PaddleOCR for the rest (after),
 * on the same pictures: `--scenes` scenes drawn by the TypeScript renderer at 3, 4 and 6 pixels
 * per dot and at 4.5 (smoothed resize), and the first `--shipped` distinct code images of
 * models/eval (0: all). Also the median time per picture of each.
 */
import os from 'node:os';
import { parseArgs } from 'node:util';
import { Ocr, ocrTokenText } from '../src/index.ts';
import { type CodeScene, renderedCodeScenes, shippedCodeImages } from './code-scenes.ts';

const { values } = parseArgs({ options: { scenes: { type: 'string', default: '200' }, seed: { type: 'string', default: '17' }, shipped: { type: 'string', default: '0' } } });
const rendered = await renderedCodeScenes(Number(values.scenes), Number(values.seed));
const shippedAll = shippedCodeImages();
const shipped = Number(values.shipped) > 0 ? shippedAll.slice(0, Number(values.shipped)) : shippedAll;
const scenes: CodeScene[] = [...rendered, ...shipped];

const readers = { before: await Ocr.load({ dotFont: null }), after: await Ocr.load() };
type Key = keyof typeof readers;
const tally = new Map<string, Record<Key, number> & { n: number }>();
const times: Record<Key, number[]> = { before: [], after: [] };
const misses: Record<Key, string[]> = { before: [], after: [] };
const load0 = os.loadavg()[0] as number;
for (const scene of scenes) {
  const row = tally.get(scene.variant) ?? { n: 0, before: 0, after: 0 };
  row.n++;
  for (const key of ['before', 'after'] as const) {
    const t0 = performance.now();
    const text = ocrTokenText(await readers[key].recognize(scene.png));
    times[key].push(performance.now() - t0);
    if (text === scene.code) row[key]++;
    else misses[key].push(`${scene.code}→${text ?? '(none)'}`);
  }
  tally.set(scene.variant, row);
}
await Promise.all(Object.values(readers).map((r) => r.close()));

const pct = (k: number, n: number): string => `${k}/${n} (${((100 * k) / n).toFixed(1)} %)`;
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
console.log(`OCR code bench: ${os.cpus().length} CPUs, load average ${load0.toFixed(1)} → ${(os.loadavg()[0] as number).toFixed(1)}, seed ${values.seed}`);
console.log('| pictures | n | PaddleOCR only (before) | dot-font reader + PaddleOCR (after) |');
console.log('| --- | --- | --- | --- |');
let total = { n: 0, before: 0, after: 0 };
for (const [variant, row] of tally) {
  console.log(`| ${variant} | ${row.n} | ${pct(row.before, row.n)} | ${pct(row.after, row.n)} |`);
  total = { n: total.n + row.n, before: total.before + row.before, after: total.after + row.after };
}
console.log(`| all | ${total.n} | ${pct(total.before, total.n)} | ${pct(total.after, total.n)} |`);
console.log(`median ms per picture: before ${median(times.before).toFixed(0)}, after ${median(times.after).toFixed(0)}`);
for (const key of ['before', 'after'] as const) console.log(`misses ${key}: ${misses[key].slice(0, 30).join(' ') || 'none'}${misses[key].length > 30 ? ' …' : ''}`);
