import type { AdminWorker, WorkerRecord } from '@mgm/protocol';

/** A live record as read from Redis, with its remaining expiry (PTTL, ms). */
export interface ObservedWorker {
  record: WorkerRecord;
  pttlMs: number;
}

interface Seen {
  record: WorkerRecord;
  /** Longest PTTL seen: the record's expiry as the worker writes it (no clock of another host involved). */
  ttlMs: number;
  lastPttlMs: number;
  observedAt: number;
  /** When the record expired; null while it exists. */
  deadAt: number | null;
}

/** A worker counts as dead once this share of its expiry passed without a heartbeat. */
export const DEAD_AFTER_TTL_FRACTION = 0.6;
/** A record that vanishes this long before its expiry was deleted (the worker deregistered), not expired. */
const EXPIRY_SLACK_MS = 250;

/**
 * Turns successive reads of the worker records into dashboard rows. A worker that misses its
 * heartbeats is marked dead before its record expires (after 60 % of the expiry; workers
 * refresh at least twice per expiry); a record that expired stays as a dead row for
 * `retentionMs`, then goes. A record deleted early (drain, stop, SIGTERM) is gone at once.
 * Ages come from Redis' PTTL, not from the worker's clock, so a host whose clock is off is
 * judged right.
 */
export class LivenessTracker {
  private readonly seen = new Map<string, Seen>();

  constructor(private readonly retentionMs: number) {}

  observe(now: number, live: readonly ObservedWorker[]): AdminWorker[] {
    const rows: AdminWorker[] = [];
    const liveIds = new Set<string>();
    for (const { record, pttlMs } of live) {
      liveIds.add(record.id);
      const previous = this.seen.get(record.id);
      const ttlMs = pttlMs > 0 ? Math.max(previous?.ttlMs ?? 0, pttlMs) : (previous?.ttlMs ?? 0);
      this.seen.set(record.id, { record, ttlMs, lastPttlMs: pttlMs, observedAt: now, deadAt: null });
      if (pttlMs <= 0 || ttlMs <= 0) {
        // No expiry on the record (written by hand?): nothing to judge it by.
        rows.push({ ...record, liveness: 'alive', heartbeatAgeMs: Math.max(0, now - record.heartbeatAt), expiresInMs: null, deadReason: null, removeAt: null });
        continue;
      }
      const ageMs = ttlMs - pttlMs;
      const dead = ageMs > ttlMs * DEAD_AFTER_TTL_FRACTION;
      rows.push({
        ...record,
        liveness: dead ? 'dead' : 'alive',
        heartbeatAgeMs: ageMs,
        expiresInMs: pttlMs,
        deadReason: dead ? `no heartbeat for ${seconds(ageMs)} (its record expires in ${seconds(pttlMs)})` : null,
        removeAt: null,
      });
    }
    for (const [id, seen] of this.seen) {
      if (liveIds.has(id)) continue;
      if (seen.deadAt === null) {
        const expiry = seen.observedAt + seen.lastPttlMs;
        if (seen.lastPttlMs <= 0 || now + EXPIRY_SLACK_MS < expiry) {
          this.seen.delete(id);
          continue;
        }
        seen.deadAt = Math.min(now, expiry);
      }
      const removeAt = seen.deadAt + this.retentionMs;
      if (now >= removeAt) {
        this.seen.delete(id);
        continue;
      }
      const ageMs = now - seen.deadAt + seen.ttlMs;
      rows.push({
        ...seen.record,
        liveness: 'dead',
        heartbeatAgeMs: ageMs,
        expiresInMs: null,
        deadReason: `no heartbeat for ${seconds(ageMs)}: its record expired`,
        removeAt,
      });
    }
    return rows.sort((a, b) => a.model.localeCompare(b.model) || a.id.localeCompare(b.id));
  }
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}
