import type { Redis } from 'ioredis';

/**
 * Checks a job's cancel flag at most once per token without blocking the token loop: a check is
 * sent when none is pending, and `onCancel` runs when one sees the flag.
 */
export class CancelWatch {
  private pending = false;
  cancelled = false;

  constructor(
    private readonly redis: Redis,
    private readonly key: string,
    private readonly onCancel: () => void,
  ) {}

  poll(): void {
    if (this.pending || this.cancelled) return;
    this.pending = true;
    this.redis.exists(this.key).then(
      (exists) => {
        this.pending = false;
        if (exists === 1 && !this.cancelled) this.cancel();
      },
      () => {
        this.pending = false;
      },
    );
  }

  private cancel(): void {
    this.cancelled = true;
    this.onCancel();
  }
}
