import { describe, expect, it } from 'vitest';
import type { WorkerRecord } from '@mgm/protocol';
import { sampleWorkerRecord } from '../../test/sample-worker-record.ts';
import { LivenessTracker } from './worker-liveness.ts';

function record(id: string, heartbeatAt = 0): WorkerRecord {
  return sampleWorkerRecord({ id, displayName: 'Alpha', heartbeatAt });
}

describe('LivenessTracker', () => {
  it('keeps a heartbeating worker alive, with its heartbeat age taken from the PTTL', () => {
    const tracker = new LivenessTracker(5000);
    expect(tracker.observe(1000, [{ record: record('w'), pttlMs: 15_000 }])[0]).toMatchObject({ liveness: 'alive', heartbeatAgeMs: 0, expiresInMs: 15_000 });
    const row = tracker.observe(3000, [{ record: record('w'), pttlMs: 13_000 }])[0];
    expect(row).toMatchObject({ liveness: 'alive', heartbeatAgeMs: 2000, deadReason: null });
  });

  it('marks a worker dead once 60 % of its expiry passed without a heartbeat, before the record expires', () => {
    const tracker = new LivenessTracker(5000);
    tracker.observe(0, [{ record: record('w'), pttlMs: 10_000 }]);
    expect(tracker.observe(5900, [{ record: record('w'), pttlMs: 4100 }])[0]?.liveness).toBe('alive');
    const dead = tracker.observe(6100, [{ record: record('w'), pttlMs: 3900 }])[0];
    expect(dead).toMatchObject({ liveness: 'dead', expiresInMs: 3900, removeAt: null });
    expect(dead?.deadReason).toMatch(/no heartbeat for 6\.1 s/);
    // A heartbeat brings it back.
    expect(tracker.observe(6500, [{ record: record('w', 6400), pttlMs: 9900 }])[0]?.liveness).toBe('alive');
  });

  it('keeps an expired worker as a dead row for the retention time, then removes it', () => {
    const tracker = new LivenessTracker(5000);
    tracker.observe(0, [{ record: record('w'), pttlMs: 10_000 }]);
    tracker.observe(8000, [{ record: record('w'), pttlMs: 2000 }]);
    const expired = tracker.observe(10_500, []);
    expect(expired).toHaveLength(1);
    expect(expired[0]).toMatchObject({ id: 'w', liveness: 'dead', expiresInMs: null, removeAt: 15_000 });
    expect(expired[0]?.deadReason).toMatch(/record expired/);
    expect(tracker.observe(14_900, [])).toHaveLength(1);
    expect(tracker.observe(15_000, [])).toEqual([]);
  });

  it('drops a worker whose record vanished long before its expiry (it deregistered) at once', () => {
    const tracker = new LivenessTracker(5000);
    tracker.observe(0, [{ record: record('a'), pttlMs: 10_000 }, { record: record('b'), pttlMs: 10_000 }]);
    const rows = tracker.observe(1000, [{ record: record('b'), pttlMs: 9000 }]);
    expect(rows.map((r) => r.id)).toEqual(['b']);
  });

  it('judges a worker seen for the first time close to expiry as alive until its record expires', () => {
    const tracker = new LivenessTracker(1000);
    expect(tracker.observe(0, [{ record: record('w'), pttlMs: 300 }])[0]?.liveness).toBe('alive');
    expect(tracker.observe(400, [])[0]?.liveness).toBe('dead');
  });
});
