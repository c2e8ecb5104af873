/**
 * npm run bench:lens [-- --runs 30 --models-dir DIR]
 *
 * TTFT and vision time of one question on an eval image, with and without `explain` (the lens:
 * mining_attention fetched from the same vision run, the tensors turned back into pictures),
 * runs interleaved (off, on, off, on, ...) so both see the same machine load; medians. Also the
 * time to turn a lens into its API JSON (lensToWire: PNGs + attention), which the worker pays
 * after the answer. Checkpoints from --models-dir (default $MGM_LENS_MODELS, else models/).
 */
import { readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { decodeImage } from '@mgm/vision';
import { type ImageLens, lensToWire, loadModel } from '../src/index.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const { values } = parseArgs({
  options: { runs: { type: 'string', default: '30' }, 'models-dir': { type: 'string' } },
});
const runs = Number(values.runs);
const modelsDir = values['models-dir'] ?? process.env.MGM_LENS_MODELS ?? path.join(ROOT, 'models');
const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? (s[(s.length - 1) / 2] as number) : ((s[s.length / 2 - 1] as number) + (s[s.length / 2] as number)) / 2;
};
const image = await decodeImage(new Uint8Array(await readFile(path.join(modelsDir, 'eval/images/test-0000.png'))));
const messages = [{ role: 'user' as const, content: 'What number is printed in the picture?' }];

console.log(`lens bench: ${os.cpus().length} CPUs (${os.cpus()[0]?.model ?? '?'}), ${runs} runs each, models from ${modelsDir}`);
console.log('| model | TTFT off (ms) | TTFT on (ms) | vision off | vision on | lensToWire (ms) | lens JSON (kB) |');
console.log('| --- | --- | --- | --- | --- | --- | --- |');
for (const name of ['mgm-tiny', 'mgm-tiny-hd', 'llava-tiny']) {
  const model = await loadModel(path.join(modelsDir, name), { intraOpThreads: 1 });
  const ttft: Record<'off' | 'on', number[]> = { off: [], on: [] };
  const vision: Record<'off' | 'on', number[]> = { off: [], on: [] };
  const wire: number[] = [];
  let size = 0;
  for (let i = 0; i < runs + 2; i++) {
    for (const mode of ['off', 'on'] as const) {
      const r = await model.generate({ messages, image, params: { temperature: 0, maxNewTokens: 1 }, explain: mode === 'on' }).result;
      if (i < 2) continue; // warm-up
      ttft[mode].push(r.timingsMs.ttft);
      vision[mode].push(r.timingsMs.vision);
      if (mode === 'on') {
        const t = performance.now();
        const json = JSON.stringify(lensToWire(r.lens as ImageLens, { jobId: 'bench', model: name }));
        wire.push(performance.now() - t);
        size = json.length / 1024;
      }
    }
  }
  await model.close();
  const f = (x: number) => x.toFixed(1);
  console.log(`| ${name} | ${f(median(ttft.off))} | ${f(median(ttft.on))} | ${f(median(vision.off))} | ${f(median(vision.on))} | ${f(median(wire))} | ${f(size)} |`);
}
