/** Rolling figures a worker publishes in its record: jobs done/failed, tokens/s, median TTFT. */
export class WorkerStats {
  jobsDone = 0;
  jobsFailed = 0;
  private readonly speeds: number[] = [];
  private readonly ttfts: number[] = [];

  constructor(private readonly window = 50) {}

  recordDone(result: { tokensPerSecond: number; ttftMs: number; generated: number }): void {
    this.jobsDone += 1;
    if (result.generated > 0) {
      push(this.speeds, result.tokensPerSecond, this.window);
      push(this.ttfts, result.ttftMs, this.window);
    }
  }

  recordFailed(): void {
    this.jobsFailed += 1;
  }

  /** Mean decode speed of the recent jobs, null before the first one. */
  get tokensPerSecond(): number | null {
    if (this.speeds.length === 0) return null;
    return round(this.speeds.reduce((a, b) => a + b, 0) / this.speeds.length);
  }

  get ttftMsMedian(): number | null {
    if (this.ttfts.length === 0) return null;
    const sorted = [...this.ttfts].sort((a, b) => a - b);
    const mid = Math.floor(sorted.length / 2);
    return round(sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2);
  }
}

function push(values: number[], value: number, window: number): void {
  values.push(value);
  if (values.length > window) values.shift();
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}
