import type { Redis } from 'ioredis';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ClientFrame, EndFrame, GenerateAck, RedisKeys } from '@mgm/protocol';
import { connect, startTestWorker, testNamespace, waitFor, type TestWorker } from '@mgm/worker/testing';
import { framesUntilEnd, openClient, startTestController, type ClientSocket, type TestController } from './test-controller.ts';

const TOKEN = 'metrics-admin-token-0123456789';

let redis: Redis;
let keys: RedisKeys;
let cleanup: (redis: Redis) => Promise<void>;
let ctl: TestController;
let socket: ClientSocket;
const workers: TestWorker[] = [];

beforeEach(async () => {
  redis = connect();
  ({ keys, cleanup } = testNamespace('metrics'));
  ctl = await startTestController(keys, { admin: { token: TOKEN, pushIntervalMs: 200 } });
  socket = await openClient(ctl.url);
});

afterEach(async () => {
  socket.close();
  await Promise.all(workers.splice(0).map((w) => w.close()));
  await ctl.close();
  await cleanup(redis);
  await redis.quit();
});

async function scrape(): Promise<string> {
  const res = await fetch(`${ctl.url}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } });
  expect(res.status).toBe(200);
  return res.text();
}

/** The value of one sample (`name{labels} value`); labels in the order prom-client writes them. */
function sample(text: string, name: string, labels: Record<string, string>): number | undefined {
  const labelText = Object.entries(labels)
    .map(([k, v]) => `${k}="${v}"`)
    .join(',');
  const line = text.split('\n').find((l) => l.startsWith(`${name}{${labelText}} `));
  return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
}

async function ask(question: string): Promise<{ jobId: string; frames: ClientFrame[] }> {
  const ack: GenerateAck = await socket.timeout(5000).emitWithAck('generate', { messages: [{ role: 'user', content: question }], models: ['alpha'] });
  if (!ack.ok) throw new Error(ack.error.message);
  const jobId = ack.jobs[0]!.jobId;
  return { jobId, frames: (await framesUntilEnd(socket, [jobId])).get(jobId)! };
}

describe('Prometheus /metrics', () => {
  it('counts requests by outcome, tokens and latencies after generations, and shows queue and worker gauges', async () => {
    workers.push(await startTestWorker(keys, { workerId: 'm1', name: 'alpha', tokenDelayMs: 2, contextChars: 200 }));
    const before = await scrape();
    expect(sample(before, 'mgm:requests_total', { model: 'alpha', outcome: 'stop' })).toBeUndefined();

    const { frames } = await ask('what colour is the square?');
    const end = frames.at(-1) as EndFrame;
    expect(end.type).toBe('end');
    expect(end.tokens.generated).toBeGreaterThan(2);

    const after = await waitFor(async () => {
      const text = await scrape();
      return sample(text, 'mgm:requests_total', { model: 'alpha', outcome: 'stop' }) === 1 ? text : null;
    }, 'the finished request to be counted');
    expect(sample(after, 'mgm:generation_tokens_total', { model: 'alpha' })).toBe(end.tokens.generated);
    expect(sample(after, 'mgm:prompt_tokens_total', { model: 'alpha' })).toBe(end.tokens.prompt + end.tokens.visual);
    expect(sample(after, 'mgm:time_to_first_token_seconds_count', { model: 'alpha' })).toBe(1);
    expect(sample(after, 'mgm:e2e_request_latency_seconds_count', { model: 'alpha' })).toBe(1);
    expect(sample(after, 'mgm:request_queue_time_seconds_count', { model: 'alpha' })).toBe(1);
    expect(sample(after, 'mgm:inter_token_latency_seconds_count', { model: 'alpha' })).toBe(end.tokens.generated - 1);
    expect(sample(after, 'mgm:e2e_request_latency_seconds_sum', { model: 'alpha' })).toBeCloseTo((end.timingsMs.queue + end.timingsMs.total) / 1000, 3);
    expect(sample(after, 'mgm:workers', { model: 'alpha', state: 'ready' })).toBe(1);
    expect(sample(after, 'mgm:num_requests_waiting', { model: 'alpha' })).toBe(0);
    expect(sample(after, 'mgm:worker_jobs_done', { model: 'alpha', worker: 'm1' })).toBeGreaterThanOrEqual(0);
    expect(after).toContain('# TYPE mgm:time_to_first_token_seconds histogram');

    // A prompt the model refuses: a rejected request (its own input), not an error of the service.
    const failed = await ask('x'.repeat(300));
    expect(failed.frames.at(-1)).toMatchObject({ type: 'error', code: 'PROMPT_TOO_LONG' });
    const afterError = await waitFor(async () => {
      const text = await scrape();
      const counted = sample(text, 'mgm:requests_rejected_total', { model: 'alpha', code: 'PROMPT_TOO_LONG' }) === 1;
      // The gauge reads a snapshot that may have been taken a moment before the job ended.
      return counted && sample(text, 'mgm:queue_jobs', { model: 'alpha', state: 'completed' }) === 2 ? text : null;
    }, 'the rejected request to be counted');
    expect(sample(afterError, 'mgm:requests_total', { model: 'alpha', outcome: 'rejected' })).toBe(1);
    expect(sample(afterError, 'mgm:requests_total', { model: 'alpha', outcome: 'error' })).toBeUndefined();
    expect(sample(afterError, 'mgm:request_errors_total', { model: 'alpha', code: 'PROMPT_TOO_LONG' })).toBeUndefined();
    expect(sample(afterError, 'mgm:requests_total', { model: 'alpha', outcome: 'stop' })).toBe(1);
    expect(sample(afterError, 'mgm:queue_jobs', { model: 'alpha', state: 'failed' })).toBe(0);
    expect(sample(afterError, 'mgm:worker_jobs_failed', { model: 'alpha', worker: 'm1' })).toBe(0);
  });

  it('counts a stopped answer as an abort, with the tokens it generated', async () => {
    workers.push(await startTestWorker(keys, { workerId: 'm2', name: 'alpha', tokenDelayMs: 60, answer: () => 'one two three four five six seven eight nine ten eleven twelve' }));
    const ack: GenerateAck = await socket.timeout(5000).emitWithAck('generate', { messages: [{ role: 'user', content: 'count' }], models: ['alpha'] });
    if (!ack.ok) throw new Error(ack.error.message);
    const jobId = ack.jobs[0]!.jobId;
    const ended = framesUntilEnd(socket, [jobId]);
    await waitFor(async () => (await redis.xlen(keys.jobStream(jobId))) >= 3, 'a few tokens');
    await socket.timeout(5000).emitWithAck('stop', { jobId });
    const end = (await ended).get(jobId)!.at(-1) as EndFrame;
    expect(end).toMatchObject({ type: 'end', finishReason: 'abort' });
    const text = await waitFor(async () => {
      const scraped = await scrape();
      return sample(scraped, 'mgm:requests_total', { model: 'alpha', outcome: 'abort' }) === 1 ? scraped : null;
    }, 'the stopped request to be counted');
    expect(sample(text, 'mgm:generation_tokens_total', { model: 'alpha' })).toBe(end.tokens.generated);
  });

  it('shows each worker\'s running sequences, KV cache and a histogram of rows per decode step', async () => {
    workers.push(
      await startTestWorker(keys, { workerId: 'b1', name: 'alpha', tokenDelayMs: 2, concurrency: 4, batch: { maxBatch: 4, kvTokensBudget: 2048, reservePerJob: 100 } }),
    );
    const text = await waitFor(async () => {
      const scraped = await scrape();
      return sample(scraped, 'mgm:decode_batch_size_count', { model: 'alpha', worker: 'b1' }) !== undefined ? scraped : null;
    }, 'the batching worker in the metrics');
    // The fake worker reports 3 steps of one row and 2 steps of two rows.
    expect(text).toContain('# TYPE mgm:decode_batch_size histogram');
    expect(sample(text, 'mgm:decode_batch_size_bucket', { model: 'alpha', worker: 'b1', le: '1' })).toBe(3);
    expect(sample(text, 'mgm:decode_batch_size_bucket', { model: 'alpha', worker: 'b1', le: '2' })).toBe(5);
    expect(sample(text, 'mgm:decode_batch_size_bucket', { model: 'alpha', worker: 'b1', le: '+Inf' })).toBe(5);
    expect(sample(text, 'mgm:decode_batch_size_sum', { model: 'alpha', worker: 'b1' })).toBe(7);
    expect(sample(text, 'mgm:num_requests_running', { model: 'alpha', worker: 'b1' })).toBe(0);
    expect(sample(text, 'mgm:worker_max_batch', { model: 'alpha', worker: 'b1' })).toBe(4);
    expect(sample(text, 'mgm:worker_kv_cache_budget_tokens', { model: 'alpha', worker: 'b1' })).toBe(2048);
  });

  it('shows each worker\'s prefix cache: hit rates and memory', async () => {
    workers.push(
      await startTestWorker(keys, { workerId: 'p1', name: 'alpha', tokenDelayMs: 2, concurrency: 4, batch: { maxBatch: 4, kvTokensBudget: 2048, reservePerJob: 100 } }),
    );
    const text = await waitFor(async () => {
      const scraped = await scrape();
      return sample(scraped, 'mgm:worker_prefix_cache_hits', { model: 'alpha', worker: 'p1' }) !== undefined ? scraped : null;
    }, 'the prefix cache in the metrics');
    const labels = { model: 'alpha', worker: 'p1' };
    expect(sample(text, 'mgm:worker_prefix_cache_lookups', labels)).toBe(4);
    expect(sample(text, 'mgm:worker_prefix_cache_hits', labels)).toBe(3);
    expect(sample(text, 'mgm:worker_prefix_cache_hit_rate', labels)).toBe(0.75);
    expect(sample(text, 'mgm:worker_prefix_cache_token_hit_rate', labels)).toBe(0.6);
    expect(sample(text, 'mgm:worker_prefix_cache_vision_hits', labels)).toBe(3);
    expect(sample(text, 'mgm:worker_prefix_cache_tokens', labels)).toBe(300);
    expect(sample(text, 'mgm:worker_prefix_cache_bytes', labels)).toBe(300 * 4608);
  });
});
