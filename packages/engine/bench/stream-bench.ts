/**
 * npm run bench:streams -w @mgm/engine [-- --model models/mgm-tiny --streams 1,8 --requests 4 --rounds 3 --threads 1
 *   --prefill-threads 1 --modes one,turn,thread --json]
 *
 * The engine alone under N closed-loop streams (no Redis, queue or client: what bench:batch
 * measures minus the worker around the engine): each stream asks the test set's description and
 * generation questions (greedy, ≤ 64 new tokens, its image as bytes) one after the other, against
 * three loaded models, in turn, round by round so all see the same machine load: one at a time
 * (maxBatch 1), batched (maxBatch 16) with vision and prefill taking turns with the decode steps,
 * and batched with them on the prefill thread. Per mode and N, medians over rounds: aggregate
 * tokens/s, per-stream decode tokens/s, this process's CPU ms per generated token (every thread:
 * onnxruntime's pools, the prefill thread, sharp's), and rows per decode step.
 */
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { type MgmModel, loadModel } from '../src/index.ts';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const { values } = parseArgs({
  options: {
    model: { type: 'string', default: 'models/mgm-tiny' },
    streams: { type: 'string', default: '1,8' },
    requests: { type: 'string', default: '4' },
    rounds: { type: 'string', default: '3' },
    threads: { type: 'string', default: '1' },
    'prefill-threads': { type: 'string', default: '1' },
    'max-new-tokens': { type: 'string', default: '64' },
    /** Comma-separated subset of: one,turn,thread. */
    modes: { type: 'string', default: 'one,turn,thread' },
    json: { type: 'boolean', default: false },
  },
});
const streams = (values.streams as string).split(',').map(Number);
const requests = Number(values.requests);
const rounds = Number(values.rounds);
const threads = Number(values.threads);
const maxNewTokens = Number(values['max-new-tokens']);
const checkpoint = path.resolve(repoRoot, values.model as string);

interface Item {
  image: string;
  question: string;
  type: string;
  history: { question: string; answer: string }[];
}
const items = readFileSync(path.join(repoRoot, 'models/eval/test.jsonl'), 'utf8')
  .split('\n')
  .filter(Boolean)
  .map((l) => JSON.parse(l) as Item)
  .filter((i) => i.type === 'description' || i.type === 'generation');
const images = new Map(items.map((i) => [i.image, new Uint8Array(readFileSync(path.join(repoRoot, 'models/eval', i.image)))]));

type Mode = 'one-at-a-time' | 'batched, in turn' | 'batched, prefill thread';
const modeNames: Record<string, Mode> = { one: 'one-at-a-time', turn: 'batched, in turn', thread: 'batched, prefill thread' };
const modes: Mode[] = (values.modes as string).split(',').map((m) => {
  const mode = modeNames[m];
  if (!mode) throw new Error(`--modes takes one,turn,thread; got ${m}`);
  return mode;
});
const models = new Map<Mode, MgmModel>();
for (const mode of modes) {
  models.set(
    mode,
    await loadModel(checkpoint, {
      intraOpThreads: threads,
      maxBatch: mode === 'one-at-a-time' ? 1 : 16,
      prefillThread: mode === 'batched, prefill thread',
      prefillThreadOps: Number(values['prefill-threads']),
      // Every question is new here (as in bench:batch, where images rarely repeat).
      prefixCacheTokens: 0,
    }),
  );
}

let asked = 0;
async function ask(model: MgmModel): Promise<{ generated: number; tps: number }> {
  const item = items[asked++ % items.length] as Item;
  const messages = [
    ...item.history.flatMap((h) => [
      { role: 'user' as const, content: h.question },
      { role: 'assistant' as const, content: h.answer },
    ]),
    { role: 'user' as const, content: item.question },
  ];
  const r = await model.generate({ messages, image: images.get(item.image) ?? null, params: { temperature: 0, maxNewTokens } }).result;
  return { generated: r.tokens.generated, tps: r.tokensPerSecond };
}

const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)] as number;
const rowsPerStep = (m: MgmModel) => {
  const s = m.batchStats().stepsByBatchSize;
  return { steps: s.reduce((a, b) => a + b, 0), rows: s.reduce((a, n, size) => a + n * size, 0) };
};

async function run(model: MgmModel, n: number) {
  const before = rowsPerStep(model);
  const c0 = cpuMs();
  const t0 = performance.now();
  const answers = (await Promise.all(Array.from({ length: n }, async () => {
    const out = [];
    for (let r = 0; r < requests; r++) out.push(await ask(model));
    return out;
  }))).flat();
  const wall = performance.now() - t0;
  const cpu = cpuMs() - c0;
  const after = rowsPerStep(model);
  const tokens = answers.reduce((a, x) => a + x.generated, 0);
  return {
    aggregate: (tokens * 1000) / wall,
    perStream: median(answers.filter((a) => a.tps > 0).map((a) => a.tps)),
    cpuPerToken: cpu / tokens,
    rowsPerStep: (after.rows - before.rows) / Math.max(1, after.steps - before.steps),
  };
}

const load0 = loadavg()[0] as number;
for (const m of models.values()) await run(m, 2);
const samples = new Map<string, Awaited<ReturnType<typeof run>>[]>();
for (const n of streams) {
  for (let r = 0; r < rounds; r++) {
    for (const mode of r % 2 === 0 ? modes : [...modes].reverse()) {
      const key = `${mode}|${n}`;
      samples.set(key, [...(samples.get(key) ?? []), await run(models.get(mode) as MgmModel, n)]);
    }
  }
}
const r1 = (x: number) => Math.round(x * 10) / 10;
const r2 = (x: number) => Math.round(x * 100) / 100;
const results = [...samples].map(([key, rs]) => {
  const [mode, n] = key.split('|');
  return {
    mode,
    streams: Number(n),
    aggregateTokensPerSecond: r1(median(rs.map((r) => r.aggregate))),
    perStreamTokensPerSecond: r1(median(rs.map((r) => r.perStream))),
    cpuMsPerToken: r2(median(rs.map((r) => r.cpuPerToken))),
    rowsPerStep: r1(median(rs.map((r) => r.rowsPerStep))),
  };
});
for (const m of models.values()) await m.close();
const at = (mode: Mode, n: number) => results.find((r) => r.mode === mode && r.streams === n);
const load = { start: r1(load0), end: r1(loadavg()[0] as number) };
if (values.json) {
  process.stdout.write(`${JSON.stringify({ threads, requests, rounds, load, results })}\n`);
} else {
  console.log(`${path.basename(checkpoint)} · ${threads} onnxruntime threads · ${requests} requests per stream · ${rounds} rounds · load ${load.start} → ${load.end}`);
  console.log('| mode | streams | aggregate tok/s | per-stream tok/s | CPU ms per token | rows per step |');
  console.log('| --- | ---: | ---: | ---: | ---: | ---: |');
  for (const r of results) console.log(`| ${r.mode} | ${r.streams} | ${r.aggregateTokensPerSecond} | ${r.perStreamTokensPerSecond} | ${r.cpuMsPerToken} | ${r.rowsPerStep} |`);
  const lone = at('one-at-a-time', 1)?.perStreamTokensPerSecond;
  for (const mode of modes.slice(1)) {
    const b = at(mode, 8);
    const o = at('one-at-a-time', 8);
    if (b && o && lone) console.log(`${mode}: speedup at 8 ${r2(b.aggregateTokensPerSecond / o.aggregateTokensPerSecond)}, per-stream at 8 ${r2(b.perStreamTokensPerSecond / lone)}`);
  }
}
