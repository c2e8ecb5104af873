/**
 * npm run bench:dtypes -w @mgm/model-zoo [-- --runs 15 --tokens 32 --threads 2]
 *
 * For each shipped checkpoint, each dtype it lists, on CPU: time to first token and decode
 * tokens/s of one greedy answer through the engine (median of --runs), the dtypes run
 * interleaved so they see the same machine load; and the bytes of graphs each dtype loads.
 */
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { type Dtype, type MgmModel, loadModel } from '@mgm/engine';
import { SHIPPED_MODELS_DIR, TINY_CHECKPOINTS } from '../src/index.ts';

const { values } = parseArgs({
  options: { runs: { type: 'string', default: '15' }, tokens: { type: 'string', default: '32' }, threads: { type: 'string', default: '2' } },
});
const RUNS = Number(values.runs);
const TOKENS = Number(values.tokens);
const THREADS = Number(values.threads);
const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
};

const image = new Uint8Array(await readFile(path.join(SHIPPED_MODELS_DIR, 'eval', 'images', 'test-0000.png')));
console.log(`CPU, ${THREADS} onnxruntime threads, ${TOKENS} new tokens, median of ${RUNS} runs\n`);
console.log('| checkpoint | dtype | graphs loaded (MB) | TTFT (ms) | decode tokens/s |');
console.log('| --- | --- | --- | --- | --- |');
for (const entry of TINY_CHECKPOINTS) {
  const dir = path.join(SHIPPED_MODELS_DIR, entry.folder);
  const manifest = JSON.parse(await readFile(path.join(dir, 'mgm.json'), 'utf8'));
  const dtypes: Dtype[] = ['fp32', ...(Object.keys(manifest.variants ?? {}) as Dtype[])];
  const models = new Map<Dtype, MgmModel>();
  for (const d of dtypes) models.set(d, await loadModel(dir, { dtype: d, intraOpThreads: THREADS }));
  const ttft = new Map<Dtype, number[]>(dtypes.map((d) => [d, []]));
  const tps = new Map<Dtype, number[]>(dtypes.map((d) => [d, []]));
  for (let r = 0; r < RUNS + 1; r++) {
    for (const d of dtypes) {
      const result = await (models.get(d) as MgmModel).generate({
        messages: [{ role: 'user', content: 'Describe the image in one sentence.' }],
        image,
        params: { temperature: 0, maxNewTokens: TOKENS },
      }).result;
      if (r === 0) continue; // warm-up
      ttft.get(d)?.push(result.timingsMs.ttft);
      tps.get(d)?.push(result.tokensPerSecond);
    }
  }
  for (const d of dtypes) {
    const files = d === 'fp32' ? manifest.files : manifest.variants[d];
    let bytes = 0;
    for (const g of ['vision', 'embed', 'decoder']) bytes += (await stat(path.join(dir, files[g]))).size;
    console.log(`| ${entry.name} | ${d} | ${(bytes / 1e6).toFixed(1)} | ${median(ttft.get(d) ?? []).toFixed(0)} | ${median(tps.get(d) ?? []).toFixed(0)} |`);
    await models.get(d)?.close();
  }
}
