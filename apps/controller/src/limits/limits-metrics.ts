import { Counter, Gauge, type Registry } from 'prom-client';
import type { LimitsConfig } from './limits-config.ts';

/** On /metrics: the configured limits (`mgm:client_limit{limit}`) and refusals (`mgm:rate_limited_total{limit}`). */
export function registerLimitsMetrics(registry: Registry, config: LimitsConfig): (rule: string) => void {
  const gauge = new Gauge({ name: 'mgm:client_limit', help: 'Configured per-client limits (0: off).', labelNames: ['limit'], registers: [registry] });
  for (const [name, value] of Object.entries(config)) gauge.set({ limit: name }, value);
  const refused = new Counter({ name: 'mgm:rate_limited_total', help: 'Requests refused with RATE_LIMITED, by limit.', labelNames: ['limit'], registers: [registry] });
  return (rule) => refused.inc({ limit: rule });
}
