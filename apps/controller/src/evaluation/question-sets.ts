import { randomUUID } from 'node:crypto';
import { mkdir, readFile, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseTestSetJsonl, questionSetIdSchema, TestSetParseError, type EvalRecord, type QuestionSetRef } from '@mgm/evaluation';
import { MgmError } from '@mgm/protocol';
import type { NormalizeUpload } from '../image-store.ts';

export interface LoadedQuestionSet {
  kind: 'shipped' | 'uploaded';
  id: string | null;
  name: string;
  /** Folder the records' image paths are relative to. */
  root: string;
  records: EvalRecord[];
}

export interface QuestionSetInfo {
  kind: 'shipped' | 'uploaded';
  id: string | null;
  name: string;
  size: number;
  types: Record<string, number>;
}

/** An uploaded set's files: the JSONL text and the images by file name. */
export interface QuestionSetUpload {
  name: string;
  jsonl: string;
  images: Map<string, Uint8Array>;
}

export const MAX_UPLOADED_QUESTIONS = 5000;

/**
 * The question sets a run can use: the shipped split (`EVAL_SET_DIR`, default models/eval) and
 * sets uploaded through the API, kept as `$DATA_DIR/eval-sets/<id>/{test.jsonl,images/,name}`.
 */
export class QuestionSets {
  private readonly uploadDir: string;

  constructor(
    private readonly shippedDir: string,
    dataDir: string,
    private readonly normalize: NormalizeUpload,
  ) {
    this.uploadDir = path.join(dataDir, 'eval-sets');
  }

  async load(ref: QuestionSetRef): Promise<LoadedQuestionSet> {
    if (ref.kind === 'shipped') {
      const records = await this.readJsonl(path.join(this.shippedDir, 'test.jsonl'), 'the shipped test set');
      const name = `${path.basename(path.dirname(path.resolve(this.shippedDir)))}/${path.basename(path.resolve(this.shippedDir))}`;
      return { kind: 'shipped', id: null, name, root: this.shippedDir, records };
    }
    const root = path.join(this.uploadDir, ref.id);
    const records = await this.readJsonl(path.join(root, 'test.jsonl'), `question set ${ref.id}`);
    const name = (await readFile(path.join(root, 'name'), 'utf8').catch(() => ref.id)).trim() || ref.id;
    return { kind: 'uploaded', id: ref.id, name, root, records };
  }

  async list(): Promise<QuestionSetInfo[]> {
    const infos: QuestionSetInfo[] = [];
    const shipped = await this.load({ kind: 'shipped' }).catch(() => null);
    if (shipped) infos.push(info(shipped));
    const ids = await readdir(this.uploadDir).catch(() => [] as string[]);
    for (const id of ids.filter((name) => questionSetIdSchema.safeParse(name).success).sort()) {
      const set = await this.load({ kind: 'uploaded', id }).catch(() => null);
      if (set) infos.push(info(set));
    }
    return infos;
  }

  /** Reads an image of a set (the path comes from a validated record: it stays inside the set). */
  async image(set: LoadedQuestionSet, relative: string): Promise<Uint8Array> {
    const file = insidePath(set.root, relative);
    if (!file) throw new MgmError('BAD_REQUEST', `the image path "${relative}" leaves the question set's folder`);
    try {
      return new Uint8Array(await readFile(file));
    } catch {
      throw new MgmError('IMAGE_NOT_FOUND', `the question set has no image at ${relative}`);
    }
  }

  /**
   * Validates and stores an uploaded set: every line a question (line numbers in the errors),
   * every image a record names uploaded (matched by its path or its file name) and decodable.
   * Images are stored as images/<file name> and the records rewritten to point there.
   */
  async upload(upload: QuestionSetUpload): Promise<QuestionSetInfo> {
    let records: EvalRecord[];
    try {
      records = parseTestSetJsonl(upload.jsonl);
    } catch (error) {
      if (error instanceof TestSetParseError) throw new MgmError('BAD_REQUEST', `questions JSONL: ${error.message}`);
      throw error;
    }
    if (records.length > MAX_UPLOADED_QUESTIONS) {
      throw new MgmError('BAD_REQUEST', `questions JSONL: at most ${MAX_UPLOADED_QUESTIONS} questions per set (got ${records.length})`);
    }
    const byName = new Map<string, Uint8Array>();
    for (const [name, bytes] of upload.images) byName.set(path.posix.basename(name.replaceAll('\\', '/')), bytes);
    const needed = new Map<string, string>();
    for (const [i, r] of records.entries()) {
      const base = path.posix.basename(r.image.replaceAll('\\', '/'));
      if (!upload.images.has(r.image) && !byName.has(base)) {
        throw new MgmError('BAD_REQUEST', `question ${i + 1} (id "${r.id}") needs the image "${r.image}", which was not uploaded`);
      }
      needed.set(base, r.image);
    }
    for (const [base, original] of needed) {
      const bytes = upload.images.get(original) ?? byName.get(base)!;
      try {
        await this.normalize(bytes);
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        throw new MgmError('IMAGE_INVALID', `the image "${original}" cannot be used: ${reason}`);
      }
    }
    const id = randomUUID();
    const tmp = path.join(this.uploadDir, `.${id}.tmp`);
    await mkdir(path.join(tmp, 'images'), { recursive: true });
    try {
      for (const [base, original] of needed) await writeFile(path.join(tmp, 'images', base), upload.images.get(original) ?? byName.get(base)!);
      const stored = records.map((r) => ({ ...r, image: `images/${path.posix.basename(r.image.replaceAll('\\', '/'))}` }));
      await writeFile(path.join(tmp, 'test.jsonl'), `${stored.map((r) => JSON.stringify(r)).join('\n')}\n`);
      await writeFile(path.join(tmp, 'name'), upload.name.slice(0, 200));
      await rename(tmp, path.join(this.uploadDir, id));
    } catch (error) {
      await rm(tmp, { recursive: true, force: true });
      throw error;
    }
    return info(await this.load({ kind: 'uploaded', id }));
  }

  private async readJsonl(file: string, label: string): Promise<EvalRecord[]> {
    const exists = await stat(file).catch(() => null);
    if (!exists) throw new MgmError('NOT_FOUND', `${label} is not there (${file})`);
    try {
      return parseTestSetJsonl(await readFile(file, 'utf8'));
    } catch (error) {
      if (error instanceof TestSetParseError) throw new MgmError('BAD_REQUEST', `${label}: ${error.message}`);
      throw error;
    }
  }
}

function info(set: LoadedQuestionSet): QuestionSetInfo {
  const types: Record<string, number> = {};
  for (const r of set.records) types[r.type] = (types[r.type] ?? 0) + 1;
  return { kind: set.kind, id: set.id, name: set.name, size: set.records.length, types };
}

/** `relative` resolved inside `root`, or null when it would leave it. */
export function insidePath(root: string, relative: string): string | null {
  if (path.isAbsolute(relative)) return null;
  const file = path.resolve(root, relative);
  const base = path.resolve(root);
  return file.startsWith(base + path.sep) ? file : null;
}
