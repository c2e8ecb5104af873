import { MgmError } from '@mgm/protocol';

export interface AdmissionLimits {
  /** Sequences that may hold a slot at once (prefilling or decoding). */
  maxBatch: number;
  /** KV-cache tokens the admitted sequences may reserve together. */
  kvBudgetTokens: number;
}

interface Waiter {
  need: number;
  resolve: (r: Reservation) => void;
  reject: (e: unknown) => void;
  signal: AbortSignal;
  onAbort: () => void;
}

/** A slot and `tokens` of KV budget held by one sequence; release() gives both back (once). */
export interface Reservation {
  readonly tokens: number;
  release(): void;
}

/**
 * Whoever keeps evictable KV beside the live sequences (the prefix cache): asked to give back
 * at least `tokens` of what it holds, least recently used first, when a sequence needs room.
 */
export interface CachedKvHolder {
  reclaim(tokens: number): void;
}

/**
 * Admission of sequences into the batch, first come first served: a sequence gets a slot when
 * fewer than maxBatch hold one and its worst-case KV need (prompt + every token it may still
 * generate) fits in what the budget has left. A sequence that could never fit fails at once.
 *
 * The one owner of the KV budget: it also counts the tokens of cached prefixes (holdCached),
 * which only take budget nobody reserved, and are reclaimed before a sequence waits for room.
 */
export class Admission {
  private held = 0;
  private reservedTokens = 0;
  private cachedTokens = 0;
  private cachedHolder: CachedKvHolder | null = null;
  private readonly queue: Waiter[] = [];

  constructor(readonly limits: AdmissionLimits) {}

  get running(): number {
    return this.held;
  }

  get waiting(): number {
    return this.queue.length;
  }

  get reserved(): number {
    return this.reservedTokens;
  }

  /** Tokens held by cached prefixes (evictable). */
  get cached(): number {
    return this.cachedTokens;
  }

  /** The holder of cached KV that admission reclaims from when a sequence needs room (one). */
  setCachedKvHolder(holder: CachedKvHolder): void {
    this.cachedHolder = holder;
  }

  /** Most tokens cached prefixes could hold now (all the budget no sequence reserved; 0 while one waits). */
  roomForCached(): number {
    return this.queue.length > 0 ? 0 : this.limits.kvBudgetTokens - this.reservedTokens;
  }

  /**
   * Charges `tokens` of cached KV to the budget if they fit in what neither the sequences nor
   * other cached entries hold, and no sequence is waiting; false (nothing charged) otherwise.
   */
  holdCached(tokens: number): boolean {
    if (this.queue.length > 0 || this.reservedTokens + this.cachedTokens + tokens > this.limits.kvBudgetTokens) return false;
    this.cachedTokens += tokens;
    return true;
  }

  /** Gives back cached tokens charged by holdCached(). */
  releaseCached(tokens: number): void {
    this.cachedTokens = Math.max(0, this.cachedTokens - tokens);
  }

  /** Resolves once the sequence is admitted; rejects with the signal's reason if aborted first. */
  reserve(need: number, signal: AbortSignal): Promise<Reservation> {
    if (need > this.limits.kvBudgetTokens) {
      return Promise.reject(
        new MgmError(
          'PROMPT_TOO_LONG',
          `this request may need ${need} KV-cache tokens (prompt + max new tokens) but the worker's KV budget is ${this.limits.kvBudgetTokens}: shorten the conversation or lower maxNewTokens`,
          { details: { kvTokensNeeded: need, kvBudgetTokens: this.limits.kvBudgetTokens } },
        ),
      );
    }
    if (signal.aborted) return Promise.reject(signal.reason);
    if (this.queue.length === 0 && this.fits(need)) return Promise.resolve(this.grant(need));
    return new Promise<Reservation>((resolve, reject) => {
      const waiter: Waiter = {
        need,
        resolve,
        reject,
        signal,
        onAbort: () => {
          const at = this.queue.indexOf(waiter);
          if (at !== -1) this.queue.splice(at, 1);
          reject(signal.reason);
          this.pump();
        },
      };
      signal.addEventListener('abort', waiter.onAbort, { once: true });
      this.queue.push(waiter);
    });
  }

  /** Whether a sequence gets in now; cached prefixes in its way are reclaimed first. */
  private fits(need: number): boolean {
    if (this.held >= this.limits.maxBatch || this.reservedTokens + need > this.limits.kvBudgetTokens) return false;
    const over = this.reservedTokens + this.cachedTokens + need - this.limits.kvBudgetTokens;
    if (over > 0) this.cachedHolder?.reclaim(over);
    return this.reservedTokens + this.cachedTokens + need <= this.limits.kvBudgetTokens;
  }

  private grant(need: number): Reservation {
    this.held += 1;
    this.reservedTokens += need;
    let released = false;
    return {
      tokens: need,
      release: () => {
        if (released) return;
        released = true;
        this.held -= 1;
        this.reservedTokens -= need;
        this.pump();
      },
    };
  }

  private pump(): void {
    for (;;) {
      const head = this.queue[0];
      if (!head || !this.fits(head.need)) return;
      this.queue.shift();
      head.signal.removeEventListener('abort', head.onAbort);
      head.resolve(this.grant(head.need));
    }
  }
}
