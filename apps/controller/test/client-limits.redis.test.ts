import type { Redis } from 'ioredis';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { APPEND_FRAMES_LUA, MgmError, encodeFrames, type RedisKeys } from '@mgm/protocol';
import { connect, testNamespace } from '@mgm/worker/testing';
import { ClientLimits, DEFAULT_LIMITS, type LimitsConfig } from '../src/limits/index.ts';

let redis: Redis;
let keys: RedisKeys;
let cleanup: (redis: Redis) => Promise<void>;

beforeEach(() => {
  redis = connect();
  ({ keys, cleanup } = testNamespace('client-limits'));
});

afterEach(async () => {
  vi.restoreAllMocks();
  await cleanup(redis);
  await redis.quit();
});

function limits(config: Partial<LimitsConfig>): ClientLimits {
  return new ClientLimits(redis, keys, { ...DEFAULT_LIMITS, ...config }, { jobTtlSeconds: 60 });
}

/** What `request` answers: 'ok', or the rule that refused it. */
async function outcome(run: Promise<void>): Promise<string> {
  try {
    await run;
    return 'ok';
  } catch (error) {
    if (error instanceof MgmError && error.code === 'RATE_LIMITED') return String(error.details?.rule);
    throw error;
  }
}

async function endJob(jobId: string): Promise<void> {
  const end = { type: 'end' as const, finishReason: 'stop' as const, tokens: { prompt: 1, visual: 0, generated: 1 }, timingsMs: { queue: 0, preprocess: 0, vision: 0, prefill: 0, ttft: 0, decode: 0, total: 0 }, tokensPerSecond: 0, text: 'x' };
  await redis.eval(APPEND_FRAMES_LUA, 1, keys.jobStream(jobId), 100, 60, '0', '', ...encodeFrames([end]));
}

describe('ClientLimits.request (one script: requests per minute, then jobs in flight)', () => {
  it('enforces both limits in one Redis round trip per question', async () => {
    const clientLimits = limits({ requestsPerMinuteIp: 4, jobsInFlightIp: 2, requestsPerMinuteSession: 0, jobsInFlightSession: 0 });
    const client = { ip: '203.0.113.5' };
    const evals = vi.spyOn(redis, 'eval');

    expect(await outcome(clientLimits.request(client, ['a1']))).toBe('ok');
    expect(await outcome(clientLimits.request(client, ['a2']))).toBe('ok');
    expect(evals).toHaveBeenCalledTimes(2);
    // Two answers in progress: the third waits, and its question still counts per minute.
    expect(await outcome(clientLimits.request(client, ['a3']))).toBe('jobs_in_flight_ip');
    // A slot frees itself when its answer ends.
    await endJob('a1');
    expect(await outcome(clientLimits.request(client, ['a4']))).toBe('ok');
    // Four questions this minute (the refused one included): the fifth is over the ceiling.
    await endJob('a2');
    expect(await outcome(clientLimits.request(client, ['a5']))).toBe('requests_per_minute_ip');
    // Refused per minute: no slot taken (the sweep of ended answers waits for the next admitted question).
    expect(await redis.zrange(`${keys.prefix}:limit:jobs_in_flight_ip:ip:203.0.113.5`, 0, -1)).toEqual(['a2', 'a4']);
  });

  it('a question refused per minute takes no slot in flight', async () => {
    const clientLimits = limits({ requestsPerMinuteIp: 100, jobsInFlightIp: 100, requestsPerMinuteSession: 1, jobsInFlightSession: 10 });
    const client = { ip: '203.0.113.6', session: 'session-rate-0001' };
    expect(await outcome(clientLimits.request(client, ['b1']))).toBe('ok');
    expect(await outcome(clientLimits.request(client, ['b2']))).toBe('requests_per_minute_session');
    expect(await redis.zrange(`${keys.prefix}:limit:jobs_in_flight_ip:ip:203.0.113.6`, 0, -1)).toEqual(['b1']);
    // The refused hit was taken back from the session's counter; the IP's counter kept it.
    expect(await redis.get(`${keys.prefix}:limit:requests_per_minute_session:session:session-rate-0001`)).toBe('1');
    expect(await redis.get(`${keys.prefix}:limit:requests_per_minute_ip:ip:203.0.113.6`)).toBe('2');
  });

  it('a question refused under one key takes no slot under another (its jobs never run)', async () => {
    const clientLimits = limits({ requestsPerMinuteIp: 100, requestsPerMinuteSession: 100, jobsInFlightIp: 3, jobsInFlightSession: 1 });
    const first = { ip: '203.0.113.7', session: 'session-slots-0001' };
    expect(await outcome(clientLimits.request(first, ['c1']))).toBe('ok');
    expect(await outcome(clientLimits.request(first, ['c2']))).toBe('jobs_in_flight_session');
    expect(await redis.zrange(`${keys.prefix}:limit:jobs_in_flight_ip:ip:203.0.113.7`, 0, -1)).toEqual(['c1']);
    // Another tab of the same IP still has the two slots the refused question did not take.
    const second = { ip: '203.0.113.7', session: 'session-slots-0002' };
    expect(await outcome(clientLimits.request(second, []))).toBe('ok');
    expect(await outcome(limits({ requestsPerMinuteIp: 100, requestsPerMinuteSession: 100, jobsInFlightIp: 3, jobsInFlightSession: 2 }).request(second, ['c3', 'c4']))).toBe('ok');
  });
});
