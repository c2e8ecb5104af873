import { createReadStream } from 'node:fs';
import { appendFile, mkdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { evaluationResultSchema, evaluationRunSchema, type EvaluationResult, type EvaluationRun } from '@mgm/evaluation';
import type { RedisKeys } from '@mgm/protocol';

/** A running run that has not been touched for this long lost its controller. */
export const RUN_STALE_MS = 60_000;

/** One line of `$DATA_DIR/evaluations/<id>.jsonl`. */
type RunLine = { kind: 'run'; run: EvaluationRun } | { kind: 'result'; result: EvaluationResult };

/**
 * Evaluation runs: in Redis (`<prefix>:eval:*`, what every controller reads) and, line by line,
 * in `$DATA_DIR/evaluations/<id>.jsonl` (the export, and what is read back when Redis lost it).
 * The JSONL has the run first, one line per scored answer, and the run again when it ends.
 */
export class EvaluationStore {
  private readonly dir: string;

  constructor(
    private readonly redis: Redis,
    private readonly keys: RedisKeys,
    dataDir: string,
    private readonly logger: Logger,
  ) {
    this.dir = path.join(dataDir, 'evaluations');
  }

  private runKey(id: string): string {
    return `${this.keys.prefix}:eval:run:${id}`;
  }

  private resultsKey(id: string): string {
    return `${this.keys.prefix}:eval:run:${id}:results`;
  }

  private get indexKey(): string {
    return `${this.keys.prefix}:eval:runs`;
  }

  file(id: string): string {
    return path.join(this.dir, `${id}.jsonl`);
  }

  async create(run: EvaluationRun): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    await this.redis.multi().set(this.runKey(run.id), JSON.stringify(run)).zadd(this.indexKey, run.createdAt, run.id).exec();
    await this.appendLine(run.id, { kind: 'run', run });
  }

  /** Writes the run's new state (status, updatedAt); ended runs are written to the JSONL again. */
  async update(run: EvaluationRun): Promise<void> {
    await this.redis.set(this.runKey(run.id), JSON.stringify(run));
    if (run.status !== 'running') await this.appendLine(run.id, { kind: 'run', run });
  }

  async addResult(runId: string, result: EvaluationResult): Promise<void> {
    await this.redis.rpush(this.resultsKey(runId), JSON.stringify(result));
    await this.appendLine(runId, { kind: 'result', result });
  }

  /** The run (a running one whose controller went quiet reads as interrupted), or null. */
  async run(id: string): Promise<EvaluationRun | null> {
    const raw = await this.redis.get(this.runKey(id));
    const run = raw === null ? (await this.readFile(id))?.run ?? null : parseRun(raw);
    if (run && run.status === 'running' && Date.now() - run.updatedAt > RUN_STALE_MS) {
      return { ...run, status: 'interrupted', reason: 'the controller running it stopped before it finished' };
    }
    return run;
  }

  async results(id: string): Promise<EvaluationResult[]> {
    const raws = await this.redis.lrange(this.resultsKey(id), 0, -1);
    if (raws.length === 0) return (await this.readFile(id))?.results ?? [];
    return raws.flatMap((raw) => {
      const parsed = evaluationResultSchema.safeParse(JSON.parse(raw));
      return parsed.success ? [parsed.data] : [];
    });
  }

  /** Newest first. */
  async list(limit = 50): Promise<EvaluationRun[]> {
    const ids = await this.redis.zrevrange(this.indexKey, 0, limit - 1);
    const runs = await Promise.all(ids.map((id) => this.run(id)));
    return runs.filter((r): r is EvaluationRun => r !== null);
  }

  /** The run's JSONL, or null when there is none. */
  async exportStream(id: string): Promise<Readable | null> {
    const info = await stat(this.file(id)).catch(() => null);
    return info?.isFile() ? createReadStream(this.file(id)) : null;
  }

  private async appendLine(id: string, line: RunLine): Promise<void> {
    try {
      await appendFile(this.file(id), `${JSON.stringify(line)}\n`);
    } catch (error) {
      this.logger.error({ err: error, runId: id }, 'could not append to the evaluation JSONL');
    }
  }

  private async readFile(id: string): Promise<{ run: EvaluationRun; results: EvaluationResult[] } | null> {
    const text = await readFile(this.file(id), 'utf8').catch(() => null);
    if (text === null) return null;
    let run: EvaluationRun | null = null;
    const results: EvaluationResult[] = [];
    for (const line of text.split('\n')) {
      if (line.trim() === '') continue;
      try {
        const json = JSON.parse(line) as RunLine;
        if (json.kind === 'run') run = evaluationRunSchema.parse(json.run);
        else if (json.kind === 'result') results.push(evaluationResultSchema.parse(json.result));
      } catch {
        this.logger.warn({ runId: id }, 'skipping a bad line of an evaluation JSONL');
      }
    }
    return run ? { run, results } : null;
  }
}

function parseRun(raw: string): EvaluationRun | null {
  try {
    return evaluationRunSchema.parse(JSON.parse(raw));
  } catch {
    return null;
  }
}
