/**
 * npm run bench:step -w @mgm/engine [-- --model models/mgm-tiny --threads 2 --context 80 --reps 8]
 *
 * What one batched decode step costs: the embed + decoder calls the BatchScheduler makes for B
 * rows (B = 1, 2, 4, 8, 16) whose KV caches hold --context tokens each, in blocks of 20 steps,
 * batch sizes interleaved (--reps blocks each) so all see the same machine load. Prints the
 * fastest and the median block per B, and the cost per row against B = 1: the ceiling of what
 * batching can give the decode phase on this machine.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import * as ort from 'onnxruntime-node';
import { pino } from 'pino';
import { BatchKvCache } from '../src/batching/batch-kv-cache.ts';
import { parseDevice } from '../src/execution-provider.ts';
import { DecoderRunner } from '../src/generation/decoder-runner.ts';
import { loadManifest } from '../src/manifest.ts';
import { createSessions } from '../src/sessions.ts';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const { values } = parseArgs({
  options: {
    model: { type: 'string', default: 'models/mgm-tiny' },
    threads: { type: 'string', default: '2' },
    context: { type: 'string', default: '80' },
    reps: { type: 'string', default: '8' },
    json: { type: 'boolean', default: false },
  },
});
const context = Number(values.context);
const reps = Number(values.reps);
const loaded = await loadManifest(path.resolve(repoRoot, values.model as string));
const m = loaded.manifest;
const s = await createSessions(loaded, { device: parseDevice('cpu'), dtype: 'fp32', logger: pino({ level: 'silent' }), intraOpThreads: Number(values.threads) });
const sizes = [1, 2, 4, 8, 16];
const STEPS = 20;

async function batchOf(b: number): Promise<BatchKvCache> {
  const kv = new BatchKvCache(m);
  for (let r = 0; r < b; r++) {
    const runner = new DecoderRunner(s.embed, s.decoder, m, context);
    await runner.prefill(new Float32Array(context * m.llm.hidden_size).fill(0.01 * (r + 1)), context);
    kv.join(r, runner.cache, context);
  }
  return kv;
}

const times = new Map<number, number[]>(sizes.map((b) => [b, []]));
for (let rep = 0; rep < reps; rep++) {
  for (const b of sizes) {
    const kv = await batchOf(b);
    const t0 = performance.now();
    for (let t = 0; t < STEPS; t++) {
      const { feeds, rows } = kv.stepFeeds();
      const e = await s.embed.run({ input_ids: new ort.Tensor('int64', BigInt64Array.from(rows, () => 5n), [rows.length, 1]) });
      feeds.inputs_embeds = e.inputs_embeds as ort.Tensor;
      kv.advance((await s.decoder.run(feeds)) as Record<string, ort.Tensor>);
    }
    times.get(b)?.push((performance.now() - t0) / STEPS);
  }
}
const rows = sizes.map((b) => {
  const xs = [...(times.get(b) ?? [])].sort((x, y) => x - y);
  return { batch: b, minMs: xs[0] as number, medianMs: xs[Math.floor(xs.length / 2)] as number };
});
const lone = rows[0] as (typeof rows)[number];
if (!values.json) {
  console.log(`${m.name} · ${values.threads} threads · ${context} tokens cached per row · ${reps} blocks of ${STEPS} steps per batch size`);
  console.log('| rows | step, fastest block (ms) | step, median block (ms) | per row ÷ lone step (median) |');
  console.log('| ---: | ---: | ---: | ---: |');
  for (const r of rows) console.log(`| ${r.batch} | ${r.minMs.toFixed(2)} | ${r.medianMs.toFixed(2)} | ${(r.medianMs / r.batch / lone.medianMs).toFixed(2)} |`);
} else {
  console.log(JSON.stringify({ model: m.name, threads: Number(values.threads), context, rows }));
}
await Promise.all([s.vision.release(), s.embed.release(), s.decoder.release()]);
