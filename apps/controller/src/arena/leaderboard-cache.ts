import type { Logger } from 'pino';
import { MgmError, type LeaderboardResponse, type VoteRecord } from '@mgm/protocol';
import { addVote, emptyVoteSummary, type VoteSummary } from './leaderboard.ts';

export interface LeaderboardCacheOptions {
  /** The recorded votes, in file order (VoteStore.list: includes other controllers' appends). */
  votes: { list(): Promise<readonly VoteRecord[]> };
  /** Computes a leaderboard (off the event loop: leaderboard-thread.ts). */
  compute: (summary: VoteSummary) => Promise<LeaderboardResponse>;
  /** Least time between the starts of two computations (LEADERBOARD_REFRESH_MS). */
  refreshMs: number;
  logger: Logger;
  now?: () => number;
}

/**
 * The leaderboard, computed in a thread and served from the last computation. Votes are
 * summarised as they are read (O(1) each, on the event loop); computations run at most one at a
 * time and start at most one every `refreshMs`, however many votes come in. A request that finds
 * votes the board does not count yet:
 * - starts a computation and waits for it when none started in the last `refreshMs` (the loop
 *   stays free meanwhile; this is the usual case, votes being rarer than that);
 * - otherwise gets the board it has at once, and the computation follows when the interval is
 *   over (the board's `votes.total` and `generatedAt` say which votes it counts).
 * So the event loop's work per request is O(models) and per vote O(1), and a burst of votes
 * costs one computation per `refreshMs`, not one per vote.
 */
export class LeaderboardCache {
  private summary: VoteSummary = emptyVoteSummary();
  /** The vote list last read and how many of its votes are in `summary`. */
  private list: readonly VoteRecord[] | null = null;
  private consumed = 0;
  /** Bumped by every vote summarised (and by a reload): which votes a board counts. */
  private version = 0;
  private board: { version: number; board: LeaderboardResponse } | null = null;
  private computing: Promise<void> | null = null;
  private lastError: unknown = null;
  private lastStartedAt = Number.NEGATIVE_INFINITY;
  private timer: NodeJS.Timeout | null = null;
  private closed = false;
  private readonly now: () => number;
  /** How many computations started (tests). */
  computations = 0;

  constructor(private readonly options: LeaderboardCacheOptions) {
    this.now = options.now ?? (() => performance.now());
  }

  /** Starts the first computation now, so that the first request does not wait for it. */
  prime(): void {
    if (!this.computing && !this.board) this.computing = this.run();
  }

  async current(): Promise<LeaderboardResponse> {
    await this.catchUp();
    if (!this.board) {
      this.computing ??= this.run();
      await this.computing;
    } else if (this.board.version !== this.version && !this.computing && !this.throttled()) {
      this.computing = this.run();
      await this.computing;
    } else if (this.board.version !== this.version) {
      this.schedule();
    }
    if (!this.board) throw new MgmError('INTERNAL', 'the leaderboard could not be computed', { cause: this.lastError });
    return this.board.board;
  }

  close(): void {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  /** Summarises the votes recorded since the last call (all of them again if the file was replaced). */
  private async catchUp(): Promise<void> {
    const votes = await this.options.votes.list();
    if (votes !== this.list || votes.length < this.consumed) {
      if (this.list !== null) this.version += 1;
      this.list = votes;
      this.summary = emptyVoteSummary();
      this.consumed = 0;
    }
    for (; this.consumed < votes.length; this.consumed += 1) {
      addVote(this.summary, votes[this.consumed]!);
      this.version += 1;
    }
  }

  private throttled(): boolean {
    return this.now() - this.lastStartedAt < this.options.refreshMs;
  }

  /** Starts a computation when the interval allows (at once, or by a timer). */
  private schedule(): void {
    if (this.computing || this.timer || this.closed) return;
    const wait = this.lastStartedAt + this.options.refreshMs - this.now();
    if (wait <= 0) {
      this.computing = this.run();
      return;
    }
    this.timer = setTimeout(() => {
      this.timer = null;
      if (!this.closed && !this.computing) this.computing = this.run();
    }, wait);
    this.timer.unref();
  }

  /** One computation of the votes summarised when it starts; never rejects. */
  private async run(): Promise<void> {
    let failed = false;
    try {
      await this.catchUp();
      const version = this.version;
      // The summary grows in place: the computation gets the battles as they are now.
      const summary: VoteSummary = { ...this.summary, battles: this.summary.battles.slice(), notCounted: new Map(this.summary.notCounted) };
      // The interval protects the CPU: a summary without battles costs nothing to compute.
      if (summary.battles.length > 0) this.lastStartedAt = this.now();
      this.computations += 1;
      const board = await this.options.compute(summary);
      if (!this.board || version > this.board.version) this.board = { version, board };
      this.lastError = null;
    } catch (error) {
      failed = true;
      this.lastError = error;
      this.options.logger.error({ err: error }, 'the leaderboard computation failed');
    } finally {
      this.computing = null;
    }
    // Votes came in meanwhile: their turn comes after the interval. After a failure, the next
    // request tries again (no retry loop).
    if (!failed && this.board && this.board.version !== this.version) this.schedule();
  }
}
