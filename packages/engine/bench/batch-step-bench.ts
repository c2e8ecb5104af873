/**
 * npm run bench:step -w @mgm/engine [-- --model models/mgm-tiny --threads 2 --context 80 --reps 8]
 *
 * What one batched decode step costs: what the BatchScheduler does for B rows (B = 1, 2, 4, 8,
 * 16) whose KV caches hold --context tokens each — step feeds from the batch KV cache, the rows'
 * embeddings from the token table, one decoder call, present.* taken as the next past.* — in
 * blocks of 20 steps, batch sizes interleaved (--reps blocks each) so all see the same machine
 * load. Prints, per B, the median block's wall time and CPU time (process.cpuUsage: every thread
 * of this process, onnxruntime's pool included; a busy machine disturbs it far less than wall
 * time), the decoder call's share of that CPU, and the CPU per row against B = 1: the ceiling of
 * what batching can give the decode phase on this machine.
 */
import { loadavg } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import * as ort from 'onnxruntime-node';
import { pino } from 'pino';
import { BatchKvCache } from '../src/batching/batch-kv-cache.ts';
import { TokenEmbeddingTable } from '../src/batching/token-embedding-table.ts';
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

const cpuMs = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
const table = await TokenEmbeddingTable.build(s.embed, m.llm.vocab_size, m.llm.hidden_size);
const embeds = new Float32Array(Math.max(...sizes) * m.llm.hidden_size);
interface Block {
  wallMs: number;
  cpuMs: number;
  decoderCpuMs: number;
  /** Minor page faults per step (fresh memory touched: a count machine load does not change). */
  faults: number;
}
/** Embeddings from the token table (what the scheduler does), or from an embed.onnx call per step (what it did before). */
type EmbedSource = 'table' | 'graph';
async function block(b: number, source: EmbedSource): Promise<Block> {
  const kv = await batchOf(b);
  let decoderCpu = 0;
  const f0 = process.resourceUsage().minorPageFault;
  const c0 = cpuMs();
  const t0 = performance.now();
  for (let t = 0; t < STEPS; t++) {
    const { feeds, rows } = kv.stepFeeds();
    if (source === 'table') {
      table.gather(rows.map(() => 5), embeds);
      feeds.inputs_embeds = new ort.Tensor('float32', embeds.subarray(0, rows.length * m.llm.hidden_size), [rows.length, 1, m.llm.hidden_size]);
    } else {
      const e = await s.embed.run({ input_ids: new ort.Tensor('int64', BigInt64Array.from(rows, () => 5n), [rows.length, 1]) });
      feeds.inputs_embeds = e.inputs_embeds as ort.Tensor;
    }
    const d0 = cpuMs();
    const out = await s.decoder.run(feeds);
    decoderCpu += cpuMs() - d0;
    kv.advance(out as Record<string, ort.Tensor>);
  }
  return {
    wallMs: (performance.now() - t0) / STEPS,
    cpuMs: (cpuMs() - c0) / STEPS,
    decoderCpuMs: decoderCpu / STEPS,
    faults: (process.resourceUsage().minorPageFault - f0) / STEPS,
  };
}
const blocks = new Map<string, Block[]>();
for (let rep = 0; rep < reps; rep++) {
  for (const b of sizes) {
    // Both sources in every rep, in alternating order, so they see the same load.
    for (const source of rep % 2 === 0 ? (['table', 'graph'] as const) : (['graph', 'table'] as const)) {
      const key = `${source}:${b}`;
      blocks.set(key, [...(blocks.get(key) ?? []), await block(b, source)]);
    }
  }
}
const medianOf = (xs: number[]): number => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)] as number;
const rows = sizes.map((b) => {
  const bs = blocks.get(`table:${b}`) ?? [];
  return {
    batch: b,
    minMs: Math.min(...bs.map((x) => x.wallMs)),
    medianMs: medianOf(bs.map((x) => x.wallMs)),
    cpuMs: medianOf(bs.map((x) => x.cpuMs)),
    decoderCpuMs: medianOf(bs.map((x) => x.decoderCpuMs)),
    pageFaultsPerStep: medianOf(bs.map((x) => x.faults)),
    withEmbedGraphCpuMs: medianOf((blocks.get(`graph:${b}`) ?? []).map((x) => x.cpuMs)),
  };
});
const lone = rows[0] as (typeof rows)[number];
if (!values.json) {
  console.log(`${m.name} · ${values.threads} threads · ${context} tokens cached per row · ${reps} blocks of ${STEPS} steps per batch size · load average ${loadavg()[0]?.toFixed(1)}`);
  console.log('| rows | step wall, fastest block (ms) | step wall, median block (ms) | step CPU, median (ms) | of which decoder.run (ms) | CPU per row ÷ lone step | minor page faults per step | step CPU with an embed.onnx call instead of the table (ms) |');
  console.log('| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const r of rows) {
    console.log(
      `| ${r.batch} | ${r.minMs.toFixed(2)} | ${r.medianMs.toFixed(2)} | ${r.cpuMs.toFixed(2)} | ${r.decoderCpuMs.toFixed(2)} | ${(r.cpuMs / r.batch / lone.cpuMs).toFixed(2)} | ${Math.round(r.pageFaultsPerStep)} | ${r.withEmbedGraphCpuMs.toFixed(2)} |`,
    );
  }
} else {
  console.log(JSON.stringify({ model: m.name, threads: Number(values.threads), context, loadAverage: loadavg()[0], rows }));
}
await Promise.all([s.vision.release(), s.embed.release(), s.decoder.release()]);
