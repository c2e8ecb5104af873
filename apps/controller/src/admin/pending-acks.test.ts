import { describe, expect, it } from 'vitest';
import { PendingAcks } from './pending-acks.ts';

describe('PendingAcks', () => {
  it('hands an ack to the command waiting for it, and only to it', async () => {
    const acks = new PendingAcks<{ ok: boolean }>(5_000);
    const first = acks.wait('a');
    const second = acks.wait('b');
    acks.settle('b', { ok: false });
    acks.settle('nobody', { ok: true });
    acks.settle('a', { ok: true });
    expect(await first).toEqual({ ok: true });
    expect(await second).toEqual({ ok: false });
  });

  it('gives null after the timeout or when the command is forgotten, and a late ack changes nothing', async () => {
    const acks = new PendingAcks<string>(20);
    const timedOut = acks.wait('late');
    const forgotten = acks.wait('gone');
    acks.forget('gone');
    expect(await forgotten).toBeNull();
    expect(await timedOut).toBeNull();
    acks.settle('late', 'too late');
    expect(await timedOut).toBeNull();
  });
});
