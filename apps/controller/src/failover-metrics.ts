import { Counter, type Registry } from 'prom-client';
import type { FailoverOutcome } from './worker-failover.ts';

/**
 * On /metrics: jobs whose worker died, by what became of them (`mgm:worker_failover_total{outcome}`:
 * restarted on another worker, NO_WORKER, WORKER_FAILED), and queued jobs removed because their
 * client left (`mgm:departed_jobs_removed_total`).
 */
export function registerFailoverMetrics(registry: Registry): { failover: (outcome: FailoverOutcome) => void; departedRemoved: () => void } {
  const failovers = new Counter({
    name: 'mgm:worker_failover_total',
    help: 'Jobs whose worker died (its record expired) while answering, by outcome.',
    labelNames: ['outcome'],
    registers: [registry],
  });
  const departed = new Counter({
    name: 'mgm:departed_jobs_removed_total',
    help: 'Queued jobs taken off the queue because their client left and did not resume within the grace period.',
    registers: [registry],
  });
  return { failover: (outcome) => failovers.inc({ outcome }), departedRemoved: () => departed.inc() };
}
