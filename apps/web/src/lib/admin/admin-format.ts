/** "3 d 4 h", "2 h 5 m", "4 m 10 s", "12 s" */
export function formatDuration(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  const d = Math.floor(s / 86_400);
  const h = Math.floor((s % 86_400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  if (d > 0) return `${d} d ${h} h`;
  if (h > 0) return `${h} h ${m} m`;
  if (m > 0) return `${m} m ${s % 60} s`;
  return `${s} s`;
}

/** A heartbeat age: tenths of a second below a minute. */
export function formatAge(ms: number): string {
  return ms < 60_000 ? `${(Math.max(0, ms) / 1000).toFixed(1)} s` : formatDuration(ms);
}

/** "12:03:04" of an epoch ms, in the viewer's time zone. */
export function formatClock(epochMs: number): string {
  return new Date(epochMs).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false });
}

/** CPUExecutionProvider → CPU, CUDAExecutionProvider → CUDA. */
export function shortProvider(provider: string): string {
  return provider.replace(/ExecutionProvider$/, '') || provider;
}

/** The last folder of a checkpoint path. */
export function checkpointName(checkpoint: string): string {
  return checkpoint.split(/[\\/]/).filter(Boolean).at(-1) ?? checkpoint;
}

/** "1.2k" above a thousand. */
export function formatCount(n: number): string {
  if (n < 1000) return String(n);
  if (n < 1_000_000) return `${(n / 1000).toFixed(n < 10_000 ? 1 : 0)}k`;
  return `${(n / 1_000_000).toFixed(1)}M`;
}
