/**
 * `npm run drill:failover`: kill -9 drills on real worker processes (the engine's micro
 * checkpoint, the workers' default record expiry / keep-alive / BullMQ lock, the controller's
 * default failover check). Each kill lands mid-answer: the worker that wrote the answer's `start`
 * is stopped at once (SIGSTOP), checked to be mid-answer, then killed (SIGKILL).
 *  - failover: two workers of the model; time from the kill to the second `start` (the other
 *    worker answering again), then to the answer's `end`. The dead worker is replaced before
 *    the next round.
 *  - no worker: one worker; time from the kill to the `NO_WORKER` error frame.
 * Times count from the SIGSTOP (the worker's last moment of life; the SIGKILL follows within
 * milliseconds). Prints each time and the medians, with the host's load average (timings on a loaded host).
 *
 * Options: --kills N (5 of each), --checkpoint DIR (packages/engine/test/fixtures/micro-mgm), --json.
 */
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { Redis } from 'ioredis';
import { decodeFrameEntry, streamIdAfterSeq, type GenerateAck, type RedisKeys, type StreamFrame } from '@mgm/protocol';
import { connect, testNamespace } from '@mgm/worker/testing';
import { type RealWorker, startRealWorker } from '../test/spawn-real-worker.ts';
import { openClient, startTestController, type ClientSocket, type TestController } from '../test/test-controller.ts';
import { freezeWorkerOfJob, type FrozenWorker } from '../test/worker-kill.ts';

const { values } = parseArgs({
  options: {
    kills: { type: 'string', default: '5' },
    checkpoint: { type: 'string', default: fileURLToPath(new URL('../../../packages/engine/test/fixtures/micro-mgm', import.meta.url)) },
    json: { type: 'boolean', default: false },
  },
});
const kills = Number(values.kills);
const checkpoint = values.checkpoint!;

const redis: Redis = connect();
const { keys, prefix, cleanup } = testNamespace('drill-failover');
const ctl: TestController = await startTestController(keys, { watchdogIntervalMs: 2000 });
const workers = new Map<string, RealWorker>();
const socket: ClientSocket = await openClient(ctl.url);
let model = '';

function log(message: string): void {
  if (!values.json) console.log(message);
}

async function addWorker(): Promise<void> {
  const id = `drill-${randomBytes(3).toString('hex')}`;
  workers.set(id, await startRealWorker(ctl, { checkpoint, id, prefix }));
  model = (await ctl.controller.registry.list()).find((w) => w.id === id)!.model;
}

async function ask(): Promise<string> {
  const ack: GenerateAck = await socket.timeout(5000).emitWithAck('generate', {
    messages: [{ role: 'user', content: 'Tell me everything you know, at length.' }],
    models: [model],
    params: { temperature: 0, maxNewTokens: 200 },
  });
  if (!ack.ok) throw new Error(ack.error.message);
  return ack.jobs[0]!.jobId;
}

async function askAndFreeze(): Promise<{ jobId: string; frozen: FrozenWorker }> {
  for (;;) {
    const jobId = await ask();
    const frozen = await freezeWorkerOfJob(redis, keys, jobId, new Map<string, ChildProcess>([...workers].map(([id, w]) => [id, w.child])));
    if (frozen) return { jobId, frozen };
  }
}

/** Reads the job's frames after `afterSeq` until `until` says stop; answers the frame and when it arrived. */
async function nextFrame(reader: Redis, jobId: string, afterSeq: number, until: (frame: StreamFrame) => boolean): Promise<{ frame: StreamFrame; at: number }> {
  let after = afterSeq;
  for (;;) {
    const result = await reader.xread('COUNT', 100, 'BLOCK', 60_000, 'STREAMS', keys.jobStream(jobId), streamIdAfterSeq(after));
    if (!result) throw new Error(`job ${jobId}: no frame for 60 s`);
    for (const [id, fields] of result[0]![1]) {
      const frame = decodeFrameEntry(jobId, id, fields);
      after = frame.seq;
      if (until(frame)) return { frame, at: Date.now() };
    }
  }
}

async function lastSeq(jobId: string): Promise<number> {
  const [entry] = await redis.xrevrange(keys.jobStream(jobId), '+', '-', 'COUNT', 1);
  return entry ? decodeFrameEntry(jobId, entry[0], entry[1]).seq : -1;
}

async function killMidAnswer(expect: 'start' | 'NO_WORKER'): Promise<{ toOutcomeMs: number; toEndMs: number }> {
  const { jobId, frozen } = await askAndFreeze();
  const reader = redis.duplicate();
  try {
    const seen = await lastSeq(jobId);
    frozen.child.kill('SIGKILL');
    // Counted from the stop (a few ms before the kill): from then on the worker kept nothing alive.
    const killedAt = frozen.frozenAt;
    workers.delete(frozen.workerId);
    const outcome = await nextFrame(reader, jobId, seen, (f) => f.type === 'start' || f.type === 'error' || f.type === 'end');
    const wanted = expect === 'start' ? outcome.frame.type === 'start' : outcome.frame.type === 'error' && outcome.frame.code === 'NO_WORKER';
    if (!wanted) throw new Error(`expected ${expect} after the kill, got ${JSON.stringify(outcome.frame)}`);
    const end = outcome.frame.type === 'start' ? await nextFrame(reader, jobId, outcome.frame.seq, (f) => f.type === 'end' || f.type === 'error') : outcome;
    if (expect === 'start' && end.frame.type !== 'end') throw new Error(`the restarted answer ended with ${JSON.stringify(end.frame)}`);
    return { toOutcomeMs: outcome.at - killedAt, toEndMs: end.at - killedAt };
  } finally {
    reader.disconnect();
  }
}

function median(xs: number[]): number {
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

const loadBefore = loadavg();
const failover: Array<{ toOutcomeMs: number; toEndMs: number }> = [];
const noWorker: Array<{ toOutcomeMs: number; toEndMs: number }> = [];
try {
  await Promise.all([addWorker(), addWorker()]);
  for (let i = 0; i < kills; i++) {
    const run = await killMidAnswer('start');
    failover.push(run);
    log(`failover ${i + 1}/${kills}: kill -> second start ${run.toOutcomeMs} ms, -> end ${run.toEndMs} ms`);
    await addWorker();
  }
  // One worker left: stop the other.
  const [spareId, spare] = [...workers][0]!;
  await spare.stop();
  workers.delete(spareId);
  for (let i = 0; i < kills; i++) {
    const run = await killMidAnswer('NO_WORKER');
    noWorker.push(run);
    log(`no worker ${i + 1}/${kills}: kill -> NO_WORKER ${run.toOutcomeMs} ms`);
    if (i + 1 < kills) await addWorker();
  }
} finally {
  socket.disconnect();
  await Promise.all([...workers.values()].map((w) => w.stop()));
  await ctl.close();
  await cleanup(redis);
  await redis.quit();
}
const loadAfter = loadavg();
const summary = {
  kills,
  checkpoint,
  loadAverage: { before: loadBefore.map((x) => Number(x.toFixed(2))), after: loadAfter.map((x) => Number(x.toFixed(2))) },
  failover: { killToSecondStartMsMedian: median(failover.map((r) => r.toOutcomeMs)), killToEndMsMedian: median(failover.map((r) => r.toEndMs)), runs: failover },
  noWorker: { killToNoWorkerMsMedian: median(noWorker.map((r) => r.toOutcomeMs)), runs: noWorker.map((r) => r.toOutcomeMs) },
};
if (values.json) console.log(JSON.stringify(summary, null, 2));
else {
  console.log(`\nload average (1/5/15 min) before ${summary.loadAverage.before.join(' / ')}, after ${summary.loadAverage.after.join(' / ')}`);
  console.log(`kill -> second start: median ${summary.failover.killToSecondStartMsMedian} ms (answer complete: ${summary.failover.killToEndMsMedian} ms), ${kills} kills`);
  console.log(`kill -> NO_WORKER:    median ${summary.noWorker.killToNoWorkerMsMedian} ms, ${kills} kills`);
}
process.exit(0);
