/**
 * `npm run bench:startup`: start time and memory of the processes, compiled (`dist`, what the
 * Docker image and `npm run demo` run; `npm run build` first) against the TypeScript sources
 * through tsx (`source`). Each run starts a controller and one mgm-tiny worker (shared Redis,
 * a unique key prefix), and reports: milliseconds from spawn to ready (controller: /healthz
 * answers; worker: its record says ready) and the CPU time used until then, RSS idle after
 * start, and RSS after a few answers with an image. Runs alternate between the setups.
 *
 * Three setups: `source` (tsx, glibc's malloc defaults: how the processes ran before),
 * `dist`, and `dist+arena2` (compiled, workers with MALLOC_ARENA_MAX=2: how they run now).
 *
 * Options: --runs N (3 per setup), --answers N (5), --model DIR (models/mgm-tiny),
 * --threads N (worker onnxruntime threads, 1), --setup source|dist|dist+arena2|all (all), --json.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { io as connectSocket } from 'socket.io-client';
import { repoRoot, startStack, type StackRuntime } from './stack.ts';

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '3' },
    answers: { type: 'string', default: '5' },
    model: { type: 'string', default: 'models/mgm-tiny' },
    threads: { type: 'string', default: '1' },
    setup: { type: 'string', default: 'all' },
    json: { type: 'boolean', default: false },
  },
});
const runs = Number(values.runs);
const answers = Number(values.answers);
// A setup: how the processes run, and the workers' MALLOC_ARENA_MAX (null: glibc's default).
interface Setup {
  name: string;
  runtime: StackRuntime;
  arenaMax: number | null;
}
const allSetups: Setup[] = [
  { name: 'source', runtime: 'source', arenaMax: null },
  { name: 'dist', runtime: 'dist', arenaMax: null },
  { name: 'dist+arena2', runtime: 'dist', arenaMax: 2 },
];
const setups = values.setup === 'all' ? allSetups : allSetups.filter((s) => s.name === values.setup);
if (!Number.isInteger(runs) || runs < 1 || !Number.isInteger(answers) || answers < 0 || setups.length === 0) {
  throw new Error('--runs >= 1, --answers >= 0, --setup source|dist|dist+arena2|all');
}
const log = (line: string) => {
  if (!values.json) process.stdout.write(`${line}\n`);
};

/** Resident memory of a process, in MB (Linux /proc). */
function rssMb(pid: number | undefined): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1]);
  return kb / 1024;
}
/** CPU time a process has used, in ms (Linux /proc, user + system). */
function cpuMs(pid: number | undefined): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
}
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Sample {
  setup: string;
  controllerReadyMs: number;
  workerReadyMs: number;
  /** CPU time used until ready (steadier than wall time on a loaded machine). */
  controllerCpuMs: number;
  workerCpuMs: number;
  controllerRssIdleMb: number;
  workerRssIdleMb: number;
  workerRssAfterAnswersMb: number;
  controllerRssAfterAnswersMb: number;
}

const testSet = readFileSync(path.join(repoRoot, 'models/eval/test.jsonl'), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as { image: string; question: string });

async function once(setup: Setup): Promise<Sample> {
  const stack = await startStack({
    runtime: setup.runtime,
    workerMallocArenaMax: setup.arenaMax,
    redisPrefix: `bench-startup-${process.pid}-${Date.now()}`,
    controllerPort: 0,
    webPort: null,
    models: [values.model],
    workerThreads: Number(values.threads),
    output: () => undefined,
  });
  try {
    const controller = stack.children.find((c) => c.name === 'controller')!;
    const worker = stack.workers[0]!;
    const controllerCpuMs = cpuMs(controller.child.pid);
    const workerCpuMs = cpuMs(worker.pid);
    await sleep(3000);
    const controllerRssIdleMb = rssMb(controller.child.pid);
    const workerRssIdleMb = rssMb(worker.pid);
    const socket = connectSocket(stack.controllerUrl, { transports: ['websocket'] });
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('connect_error', reject);
    });
    const models = (await (await fetch(`${stack.controllerUrl}/api/models`)).json()) as { models: Array<{ id: string }> } | Array<{ id: string }>;
    const modelId = (Array.isArray(models) ? models : models.models)[0]!.id;
    for (let i = 0; i < answers; i += 1) {
      const item = testSet[i % testSet.length]!;
      const upload = await fetch(`${stack.controllerUrl}/api/images`, { method: 'POST', headers: { 'content-type': 'image/png' }, body: readFileSync(path.join(repoRoot, 'models/eval', item.image)) });
      const { imageId } = (await upload.json()) as { imageId: string };
      const ended = new Promise<void>((resolve) => {
        const onFrame = (frame: { type: string }) => {
          if (frame.type === 'end' || frame.type === 'error') {
            socket.off('frame', onFrame);
            resolve();
          }
        };
        socket.on('frame', onFrame);
      });
      const ack = await socket.emitWithAck('generate', { messages: [{ role: 'user', content: item.question }], models: [modelId], imageId, params: { temperature: 0, maxNewTokens: 64 } });
      if (!ack.ok) throw new Error(`generate refused: ${JSON.stringify(ack)}`);
      await ended;
    }
    socket.close();
    await sleep(1000);
    return {
      setup: setup.name,
      controllerReadyMs: stack.readyMs.controller,
      workerReadyMs: stack.readyMs.workers[worker.id] as number,
      controllerCpuMs,
      workerCpuMs,
      controllerRssIdleMb,
      workerRssIdleMb,
      workerRssAfterAnswersMb: rssMb(worker.pid),
      controllerRssAfterAnswersMb: rssMb(controller.child.pid),
    };
  } finally {
    await stack.stop();
  }
}

const samples: Sample[] = [];
for (let i = 0; i < runs; i += 1) {
  for (const setup of i % 2 === 0 ? setups : [...setups].reverse()) {
    const s = await once(setup);
    samples.push(s);
    log(`${setup.name.padEnd(11)} controller ready ${s.controllerReadyMs.toFixed(0)} ms (cpu ${s.controllerCpuMs.toFixed(0)}), rss ${s.controllerRssIdleMb.toFixed(0)} MB · worker ready ${s.workerReadyMs.toFixed(0)} ms (cpu ${s.workerCpuMs.toFixed(0)}), rss idle ${s.workerRssIdleMb.toFixed(0)} MB, after ${answers} answers ${s.workerRssAfterAnswersMb.toFixed(0)} MB`);
  }
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
const summary = Object.fromEntries(
  setups.map(({ name }) => {
    const of = samples.filter((s) => s.setup === name);
    const keys = ['controllerReadyMs', 'workerReadyMs', 'controllerCpuMs', 'workerCpuMs', 'controllerRssIdleMb', 'workerRssIdleMb', 'workerRssAfterAnswersMb', 'controllerRssAfterAnswersMb'] as const;
    return [name, Object.fromEntries(keys.map((k) => [k, Math.round(median(of.map((s) => s[k])))]))];
  }),
);
log(`medians of ${runs} runs: ${JSON.stringify(summary)}`);
process.stdout.write(`${JSON.stringify({ bench: 'startup', runs, answers, model: values.model, summary, samples })}\n`);
