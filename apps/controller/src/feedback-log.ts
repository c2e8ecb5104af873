import { randomUUID } from 'node:crypto';
import { appendFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { feedbackRecordSchema, type FeedbackRecord } from '@mgm/protocol';

/**
 * Votes and flags, one JSON object per line in `${dataDir}/feedback.jsonl`, as MGM's gradio
 * server logs them. Appends are serialised so that concurrent votes never interleave.
 */
export class FeedbackLog {
  private tail: Promise<unknown> = Promise.resolve();
  readonly file: string;

  constructor(dataDir: string) {
    this.file = path.join(dataDir, 'feedback.jsonl');
  }

  append(input: Omit<FeedbackRecord, 'id' | 'recordedAt'>): Promise<FeedbackRecord> {
    const record = feedbackRecordSchema.parse({ ...input, id: randomUUID(), recordedAt: Date.now() });
    const write = this.tail.catch(() => undefined).then(async () => {
      await mkdir(path.dirname(this.file), { recursive: true });
      await appendFile(this.file, `${JSON.stringify(record)}\n`, 'utf8');
      return record;
    });
    this.tail = write;
    return write;
  }
}
