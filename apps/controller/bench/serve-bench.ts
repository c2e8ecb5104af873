/**
 * `npm run bench:serve`: the same question through the whole stack (socket.io client ->
 * controller -> Redis/BullMQ -> worker process -> Redis Stream -> controller -> client) and
 * through the engine alone in this process, and through the OpenAI-compatible API of the same
 * stack (the official `openai` SDK, streaming, the uploaded image as `mgm-image:<id>`), rotating
 * the order of the three every run, greedy decoding.
 * Reports the median time to first token and decode tokens/s of each, the tokens/s ratio
 * (target >= 0.95) and the TTFT the stack adds (target <= 5 ms median on loopback), for the
 * socket.io path and the OpenAI path.
 *
 * Options: --model <checkpoint dir> (default models/mgm-tiny, else the engine's micro fixture),
 * --runs N (30), --max-new-tokens N (64), --image <file> (default the first test-set image),
 * --question "..." (default the first description question of the test set), --threads N
 * (onnxruntime intra-op threads on both sides; default onnxruntime's), --cost-runs N (10; answers of
 * the CPU/Redis cost phase, 0: none), --json (print JSON only).
 *
 * The cost phase, after the timed runs, measures what a loaded machine disturbs less than
 * wall-clock time: CPU time per token of the worker and of the controller (/proc, all threads)
 * against the engine alone in this process (process.cpuUsage), Redis commands per answer
 * (MONITOR, keys of this stack only), and socket.io frames per answer and bytes per frame.
 */
import { existsSync, readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import OpenAI from 'openai';
import { io as connectSocket, type Socket } from 'socket.io-client';
import { loadModel } from '@mgm/engine';
import type { ClientFrame, ClientToServerEvents, GenerateAck, ServerToClientEvents } from '@mgm/protocol';
import { repoRoot, startStack } from '../../../scripts/stack.ts';
import { countRedisCommands, processCpuMs } from './stack-cost.ts';

interface Sample {
  ttftMs: number;
  tokensPerSecond: number;
  generated: number;
  /** Stack only: time in the queue, and the TTFT the worker's engine measured itself. */
  queueMs?: number;
  workerTtftMs?: number;
  workerTokensPerSecond?: number;
  /** Stack only: socket.io frames received, and their JSON bytes. */
  frames?: number;
  frameBytes?: number;
}

const { values } = parseArgs({
  options: {
    model: { type: 'string' },
    runs: { type: 'string', default: '30' },
    'max-new-tokens': { type: 'string', default: '64' },
    image: { type: 'string' },
    question: { type: 'string' },
    threads: { type: 'string' },
    'cost-runs': { type: 'string', default: '10' },
    json: { type: 'boolean', default: false },
  },
});
const runs = Number(values.runs);
const threads = values.threads === undefined ? undefined : Number(values.threads);
const maxNewTokens = Number(values['max-new-tokens']);
const costRuns = Number(values['cost-runs']);
if (!Number.isInteger(runs) || runs < 1 || !Number.isInteger(maxNewTokens) || maxNewTokens < 2 || !Number.isInteger(costRuns) || costRuns < 0) {
  throw new Error('--runs must be >= 1, --max-new-tokens >= 2 and --cost-runs >= 0');
}
const checkpoint = path.resolve(
  repoRoot,
  values.model ?? (existsSync(path.join(repoRoot, 'models/mgm-tiny/mgm.json')) ? 'models/mgm-tiny' : 'packages/engine/test/fixtures/micro-mgm'),
);
const testSet = path.join(repoRoot, 'models/eval/test.jsonl');
// A description question: its answers run to a few dozen tokens, enough to measure decode speed.
const firstItem = existsSync(testSet)
  ? (readFileSync(testSet, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as { image: string; question: string; type: string })
      .find((item) => item.type === 'description') ?? null)
  : null;
const imagePath = values.image ?? (firstItem ? path.join(repoRoot, 'models/eval', firstItem.image) : null);
const question = values.question ?? firstItem?.question ?? 'What is in the picture?';
const log = (line: string) => {
  if (!values.json) process.stdout.write(`${line}\n`);
};

const messages = [{ role: 'user' as const, content: question }];
const params = { temperature: 0, maxNewTokens };

log(`checkpoint ${path.relative(repoRoot, checkpoint)} · ${runs} runs · max ${maxNewTokens} new tokens · threads ${threads ?? 'default'} · image ${imagePath ? path.relative(repoRoot, imagePath) : 'none'}`);
const stack = await startStack({ redisPrefix: `bench-${process.pid}`, controllerPort: 0, webPort: null, models: [checkpoint], workerThreads: threads, output: (source, line) => process.stderr.write(`[${source}] ${line}\n`) });
const socket: Socket<ServerToClientEvents, ClientToServerEvents> = connectSocket(stack.controllerUrl, { transports: ['websocket'] });
const model = await loadModel(checkpoint, { device: 'cpu', intraOpThreads: threads });
try {
  if (!socket.connected) {
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('connect_error', reject);
    });
  }
  let imageId: string | null = null;
  let imageBytes: Uint8Array | null = null;
  if (imagePath) {
    const upload = await fetch(`${stack.controllerUrl}/api/images`, { method: 'POST', headers: { 'content-type': 'image/png' }, body: readFileSync(imagePath) });
    if (upload.status !== 201) throw new Error(`upload failed: ${upload.status} ${await upload.text()}`);
    imageId = ((await upload.json()) as { imageId: string }).imageId;
    // The worker gets the normalised PNG; the engine alone gets the very same bytes.
    imageBytes = new Uint8Array(await (await fetch(`${stack.controllerUrl}/api/images/${imageId}`)).arrayBuffer());
  }

  const viaEngine = async (): Promise<Sample> => {
    const started = performance.now();
    let first = 0;
    const generation = model.generate({ messages, image: imageBytes, params });
    for await (const _delta of generation) {
      if (first === 0) first = performance.now();
    }
    const result = await generation.result;
    return sample(started, first, performance.now(), result.tokens.generated);
  };

  // The demo's controller is in open mode: no key needed.
  const openai = new OpenAI({ baseURL: `${stack.controllerUrl}/v1`, apiKey: 'open', maxRetries: 0 });
  const openAiContent = imageId
    ? [{ type: 'text' as const, text: question }, { type: 'image_url' as const, image_url: { url: `mgm-image:${imageId}` } }]
    : question;
  const viaOpenAi = async (): Promise<Sample> => {
    const started = performance.now();
    let first = 0;
    let usage: OpenAI.CompletionUsage | null | undefined;
    const stream = await openai.chat.completions.create({
      model: model.info.name,
      messages: [{ role: 'user', content: openAiContent }],
      temperature: 0,
      max_tokens: maxNewTokens,
      stream: true,
      stream_options: { include_usage: true },
    });
    for await (const chunk of stream) {
      if (first === 0 && chunk.choices[0]?.delta.content) first = performance.now();
      if (chunk.usage) usage = chunk.usage;
    }
    if (!usage) throw new Error('the OpenAI stream ended without its usage chunk');
    return sample(started, first, performance.now(), usage.completion_tokens);
  };

  const viaStack = async (): Promise<Sample> => {
    const frames: ClientFrame[] = [];
    let first = 0;
    let jobId = '';
    const started = performance.now();
    const done = new Promise<ClientFrame>((resolve) => {
      const onFrame = (frame: ClientFrame) => {
        if (frame.type === 'delta' && first === 0) first = performance.now();
        frames.push(frame);
        if ((frame.type === 'end' || frame.type === 'error') && (jobId === '' || frame.jobId === jobId)) {
          socket.off('frame', onFrame);
          resolve(frame);
        }
      };
      socket.on('frame', onFrame);
    });
    const ack: GenerateAck = await socket.emitWithAck('generate', { messages, models: [model.info.name], imageId, params });
    if (!ack.ok) throw new Error(`generate refused: ${ack.error.message}`);
    jobId = ack.jobs[0]!.jobId;
    const end = await done;
    const ended = performance.now();
    if (end.type !== 'end') throw new Error(`the job failed: ${JSON.stringify(end)}`);
    return {
      ...sample(started, first, ended, end.tokens.generated),
      queueMs: end.timingsMs.queue,
      workerTtftMs: end.timingsMs.ttft,
      workerTokensPerSecond: end.tokensPerSecond,
      frames: frames.length,
      frameBytes: frames.reduce((sum, frame) => sum + JSON.stringify(frame).length, 0),
    };
  };

  for (let i = 0; i < 3; i += 1) {
    await viaEngine();
    await viaStack();
    await viaOpenAi();
  }
  const engine: Sample[] = [];
  const served: Sample[] = [];
  const viaApi: Sample[] = [];
  const ways: Array<[() => Promise<Sample>, Sample[]]> = [
    [viaEngine, engine],
    [viaStack, served],
    [viaOpenAi, viaApi],
  ];
  for (let i = 0; i < runs; i += 1) {
    // Rotate which goes first so that drift (thermal, other load) hits all three alike.
    for (let k = 0; k < ways.length; k += 1) {
      const [run, into] = ways[(i + k) % ways.length]!;
      into.push(await run());
    }
  }
  const cost = costRuns > 0 ? await measureCost(costRuns, viaEngine, viaStack) : null;
  const report = {
    cost,
    checkpoint: path.relative(repoRoot, checkpoint),
    runs,
    maxNewTokens,
    threads: threads ?? 'onnxruntime default',
    generatedTokens: median(served.map((s) => s.generated)),
    cpus: `${cpus().length} x ${cpus()[0]?.model ?? 'cpu'}`,
    engine: { ttftMsMedian: median(engine.map((s) => s.ttftMs)), tokensPerSecondMedian: median(engine.map((s) => s.tokensPerSecond)) },
    stack: {
      ttftMsMedian: median(served.map((s) => s.ttftMs)),
      tokensPerSecondMedian: median(served.map((s) => s.tokensPerSecond)),
      queueMsMedian: median(served.map((s) => s.queueMs ?? 0)),
      workerEngineTtftMsMedian: median(served.map((s) => s.workerTtftMs ?? 0)),
      workerEngineTokensPerSecondMedian: median(served.map((s) => s.workerTokensPerSecond ?? 0)),
      vsWorkerEngineRatioMedian: 0,
    },
    openai: {
      ttftMsMedian: median(viaApi.map((s) => s.ttftMs)),
      tokensPerSecondMedian: median(viaApi.map((s) => s.tokensPerSecond)),
      tokensPerSecondRatio: 0,
      addedTtftMsMedian: 0,
    },
    tokensPerSecondRatio: 0,
    addedTtftMsMedian: 0,
  };
  report.tokensPerSecondRatio = round(report.stack.tokensPerSecondMedian / report.engine.tokensPerSecondMedian, 3);
  // The frame path alone: what the client saw against what the worker's own engine measured, per run.
  report.stack.vsWorkerEngineRatioMedian = median(served.map((s) => (s.workerTokensPerSecond ? s.tokensPerSecond / s.workerTokensPerSecond : 0)));
  report.addedTtftMsMedian = round(median(served.map((s, i) => s.ttftMs - engine[i]!.ttftMs)), 2);
  report.openai.tokensPerSecondRatio = round(report.openai.tokensPerSecondMedian / report.engine.tokensPerSecondMedian, 3);
  report.openai.addedTtftMsMedian = round(median(viaApi.map((s, i) => s.ttftMs - engine[i]!.ttftMs)), 2);
  if (values.json) {
    process.stdout.write(`${JSON.stringify(report)}\n`);
  } else {
    log(`generated tokens per answer (median): ${report.generatedTokens}`);
    log(`engine alone : TTFT ${report.engine.ttftMsMedian} ms · ${report.engine.tokensPerSecondMedian} tokens/s`);
    log(`whole stack  : TTFT ${report.stack.ttftMsMedian} ms · ${report.stack.tokensPerSecondMedian} tokens/s`);
    log(`  of which: queue ${report.stack.queueMsMedian} ms, engine TTFT inside the worker ${report.stack.workerEngineTtftMsMedian} ms`);
    log(`  the worker's engine itself measured ${report.stack.workerEngineTokensPerSecondMedian} tokens/s; client-seen / worker-measured, median per run: ${report.stack.vsWorkerEngineRatioMedian}`);
    log(`OpenAI API   : TTFT ${report.openai.ttftMsMedian} ms · ${report.openai.tokensPerSecondMedian} tokens/s (openai SDK, SSE)`);
    log(`tokens/s ratio (stack / engine): ${report.tokensPerSecondRatio}  (target >= 0.95); OpenAI API / engine: ${report.openai.tokensPerSecondRatio}`);
    log(`added TTFT, median of paired runs: ${report.addedTtftMsMedian} ms  (target <= 5 ms); OpenAI API: ${report.openai.addedTtftMsMedian} ms`);
    if (cost) {
      log(`cost over ${cost.answers} answers (${cost.tokensPerAnswer} tokens each), idle CPU taken off (worker ${cost.idleCpuMsPerSecond.worker} ms/s, controller ${cost.idleCpuMsPerSecond.controller} ms/s):`);
      log(`  CPU per token: engine alone ${cost.engineCpuMsPerToken} ms · worker ${cost.workerCpuMsPerToken} ms · controller ${cost.controllerCpuMsPerToken} ms`);
      log(`  CPU per answer beyond the engine's: worker ${cost.workerOverheadCpuMsPerAnswer} ms · controller ${cost.controllerCpuMsPerAnswer} ms`);
      log(`  Redis per answer: ${cost.redisCommandsPerAnswer} commands sent (${Object.entries(cost.redisCommandsByName).map(([name, n]) => `${name} ${n}`).join(', ')}), ${cost.redisLuaCommandsPerAnswer} inside scripts`);
      log(`  socket.io: ${cost.framesPerAnswer} frames per answer, ${cost.bytesPerFrame} bytes per frame (JSON)`);
    }
  }
} finally {
  socket.disconnect();
  await model.close();
  await stack.stop();
}

/**
 * The cost phase: `n` answers through the engine alone (CPU of this process), then `n` through the
 * stack (CPU of the worker and controller processes, Redis commands of this stack, frames received).
 */
async function measureCost(n: number, viaEngine: () => Promise<Sample>, viaStack: () => Promise<Sample>) {
  const workerPid = stack.workers[0]?.pid;
  const controllerPid = stack.children.find((c) => c.name === 'controller')?.child.pid;
  if (workerPid === undefined || controllerPid === undefined) throw new Error('the stack has no worker or controller process');
  const engineCpuStart = process.cpuUsage();
  let engineTokens = 0;
  for (let i = 0; i < n; i += 1) engineTokens += (await viaEngine()).generated;
  const engineCpu = process.cpuUsage(engineCpuStart);
  const engineCpuMs = (engineCpu.user + engineCpu.system) / 1000;

  // What the two processes spend with no answer to give (heartbeats, watchdog, polls): taken off below.
  const idleMs = 3000;
  const idleBefore = { worker: processCpuMs(workerPid), controller: processCpuMs(controllerPid) };
  await new Promise((resolve) => setTimeout(resolve, idleMs));
  const idleAfter = { worker: processCpuMs(workerPid), controller: processCpuMs(controllerPid) };

  const counter = await countRedisCommands(stack.redisUrl, stack.redisPrefix);
  const before = { worker: processCpuMs(workerPid), controller: processCpuMs(controllerPid) };
  const stackStarted = performance.now();
  const answers: Sample[] = [];
  for (let i = 0; i < n; i += 1) answers.push(await viaStack());
  const stackMs = performance.now() - stackStarted;
  const after = { worker: processCpuMs(workerPid), controller: processCpuMs(controllerPid) };
  // MONITOR lines may trail the replies a little.
  await new Promise((resolve) => setTimeout(resolve, 200));
  const commands = await counter.stop();
  const figures = [before.worker, after.worker, before.controller, after.controller, idleBefore.worker, idleAfter.worker, idleBefore.controller, idleAfter.controller];
  if (figures.some((f) => f === null)) throw new Error('no /proc: the cost phase needs Linux (use --cost-runs 0 elsewhere)');
  const [w0, w1, c0, c1, iw0, iw1, ic0, ic1] = figures as number[];
  const tokens = answers.reduce((sum, s) => sum + s.generated, 0);
  const idleShare = stackMs / idleMs;
  const workerCpuMs = w1! - w0! - (iw1! - iw0!) * idleShare;
  const controllerCpuMs = c1! - c0! - (ic1! - ic0!) * idleShare;
  const sent = Object.values(commands.byClient).reduce((sum, c) => sum + c, 0);
  const frames = answers.reduce((sum, s) => sum + (s.frames ?? 0), 0);
  return {
    answers: n,
    idleCpuMsPerSecond: { worker: round(((iw1! - iw0!) * 1000) / idleMs, 1), controller: round(((ic1! - ic0!) * 1000) / idleMs, 1) },
    tokensPerAnswer: round(tokens / n, 1),
    engineCpuMsPerToken: round(engineCpuMs / engineTokens, 3),
    workerCpuMsPerToken: round(workerCpuMs / tokens, 3),
    controllerCpuMsPerToken: round(controllerCpuMs / tokens, 3),
    // Same question, same tokens: what the worker spends beyond the engine's own CPU.
    workerOverheadCpuMsPerAnswer: round((workerCpuMs - (engineCpuMs * tokens) / engineTokens) / n, 2),
    controllerCpuMsPerAnswer: round(controllerCpuMs / n, 2),
    redisCommandsPerAnswer: round(sent / n, 1),
    redisCommandsByName: Object.fromEntries(Object.entries(commands.byClient).map(([name, c]) => [name, round(c / n, 1)])),
    redisLuaCommandsPerAnswer: round(commands.insideLua / n, 1),
    framesPerAnswer: round(frames / n, 1),
    bytesPerFrame: round(answers.reduce((sum, s) => sum + (s.frameBytes ?? 0), 0) / Math.max(1, frames), 1),
  };
}

function sample(started: number, first: number, ended: number, generated: number): Sample {
  const decodeMs = ended - first;
  return {
    ttftMs: round(first - started, 2),
    tokensPerSecond: generated > 1 && decodeMs > 0 ? round(((generated - 1) * 1000) / decodeMs, 1) : 0,
    generated,
  };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return round(sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2, 2);
}

function round(value: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}
