import { randomUUID } from 'node:crypto';
import { mkdir, open, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from 'pino';
import { voteRecordSchema, type VoteRecord } from '@mgm/protocol';

export type NewVote = Omit<VoteRecord, 'id' | 'recordedAt'>;

/**
 * Every vote, one JSON object per line in `${dataDir}/votes.jsonl`, append-only. A vote is
 * acknowledged only after its line is written in one append and fsynced (and, for a new file,
 * the directory too), so an acknowledged vote survives a crash or power loss. The file is the
 * source of truth: the store keeps a parsed copy and reads what was appended since (by this or
 * another controller sharing the data directory) before answering. A line torn by a crash is
 * skipped with a warning, and the next append starts on a fresh line.
 */
export class VoteStore {
  readonly file: string;
  private records: VoteRecord[] = [];
  /** Bytes of the file parsed so far (always just after a newline). */
  private offset = 0;
  private lineNumber = 0;
  private tail: Promise<unknown> = Promise.resolve();

  private constructor(
    dataDir: string,
    private readonly logger: Logger,
    private readonly now: () => number,
  ) {
    this.file = path.join(dataDir, 'votes.jsonl');
  }

  /** Opens the store, reading the votes already in the file. */
  static async open(dataDir: string, logger: Logger, now: () => number = Date.now): Promise<VoteStore> {
    await mkdir(dataDir, { recursive: true });
    const store = new VoteStore(dataDir, logger.child({ component: 'votes' }), now);
    await store.refresh();
    return store;
  }

  append(vote: NewVote): Promise<VoteRecord> {
    const record = voteRecordSchema.parse({ ...vote, id: randomUUID(), recordedAt: this.now() });
    const write = this.tail
      .catch(() => undefined)
      .then(async () => {
        await this.appendLine(JSON.stringify(record));
        await this.refresh();
        return record;
      });
    this.tail = write;
    return write;
  }

  /** Every valid vote in file order, including those other processes appended. */
  async list(): Promise<readonly VoteRecord[]> {
    await this.serialised(() => this.refresh());
    return this.records;
  }

  /** The votes as JSONL (one validated record per line), optionally only one mode. */
  async exportJsonl(mode?: VoteRecord['mode']): Promise<string> {
    const votes = await this.list();
    return votes
      .filter((vote) => mode === undefined || vote.mode === mode)
      .map((vote) => `${JSON.stringify(vote)}\n`)
      .join('');
  }

  /** Waits for appends in progress (tests, shutdown). */
  async flush(): Promise<void> {
    await this.tail.catch(() => undefined);
  }

  private serialised<T>(task: () => Promise<T>): Promise<T> {
    const run = this.tail.catch(() => undefined).then(task);
    this.tail = run;
    return run;
  }

  private async appendLine(line: string): Promise<void> {
    const created = !(await exists(this.file));
    const handle = await open(this.file, 'a+');
    try {
      const { size } = await handle.stat();
      let prefix = '';
      if (size > 0) {
        const last = Buffer.alloc(1);
        await handle.read(last, 0, 1, size - 1);
        if (last[0] !== 0x0a) prefix = '\n';
      }
      await handle.appendFile(`${prefix}${line}\n`, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    if (created) await syncDirectory(path.dirname(this.file));
  }

  private async refresh(): Promise<void> {
    let size: number;
    try {
      size = (await stat(this.file)).size;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
        this.reset();
        return;
      }
      throw error;
    }
    if (size < this.offset) {
      // The file was replaced (a restored backup): read it again from the start.
      this.logger.warn({ file: this.file }, 'the vote file shrank; reloading it');
      this.reset();
    }
    if (size === this.offset) return;
    const handle = await open(this.file, 'r');
    let chunk: Buffer;
    try {
      chunk = Buffer.alloc(size - this.offset);
      const { bytesRead } = await handle.read(chunk, 0, chunk.length, this.offset);
      chunk = chunk.subarray(0, bytesRead);
    } finally {
      await handle.close();
    }
    const end = chunk.lastIndexOf(0x0a);
    if (end < 0) return;
    for (const line of chunk.subarray(0, end).toString('utf8').split('\n')) {
      this.lineNumber += 1;
      if (line.trim() === '') continue;
      const parsed = parseLine(line);
      if (parsed) this.records.push(parsed);
      else this.logger.warn({ file: this.file, line: this.lineNumber }, 'skipping an unreadable vote line (torn by a crash or edited by hand)');
    }
    this.offset += end + 1;
  }

  private reset(): void {
    this.records = [];
    this.offset = 0;
    this.lineNumber = 0;
  }
}

function parseLine(line: string): VoteRecord | null {
  try {
    const parsed = voteRecordSchema.safeParse(JSON.parse(line));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

async function exists(file: string): Promise<boolean> {
  return stat(file).then(
    () => true,
    () => false,
  );
}

/** Makes a new directory entry durable (a no-op where directories cannot be opened for sync). */
async function syncDirectory(dir: string): Promise<void> {
  const handle = await open(dir, 'r').catch(() => null);
  if (!handle) return;
  try {
    await handle.sync().catch(() => undefined);
  } finally {
    await handle.close();
  }
}
