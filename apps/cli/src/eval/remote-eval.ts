import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { evalJsonLine, type EvaluationRun, type EvaluationSnapshot, type EvaluationStartInput, type ModelSummary } from '@mgm/evaluation';
import type { ImageMode, SamplingParams } from '@mgm/protocol';
import { type CliIo, CliUsageError } from '../cli-io.ts';
import type { TestSet } from './test-set.ts';

export interface RemoteEvalOptions {
  controller: string;
  models: string[];
  token: string;
  params: SamplingParams;
  imageMode: ImageMode | undefined;
  limit: number | undefined;
  sample: { size: number; seed: number } | undefined;
  /** A local set to upload first; undefined: the controller's shipped set. */
  set: TestSet | undefined;
  pollMs: number;
  json: boolean;
}

/** An error answer of the controller, as one line. */
async function failure(res: Response, what: string): Promise<CliUsageError> {
  const body = (await res.json().catch(() => null)) as { error?: { code?: string; message?: string } } | null;
  const detail = body?.error ? `${body.error.code}: ${body.error.message}` : `HTTP ${res.status}`;
  return new CliUsageError(`${what}: ${detail}`);
}

async function request(url: string, init: RequestInit, what: string): Promise<Response> {
  try {
    return await fetch(url, init);
  } catch (error) {
    throw new CliUsageError(`${what}: cannot reach the controller at ${url} (${error instanceof Error ? error.message : String(error)})`);
  }
}

/** Uploads a local test set (its JSONL and every image it names); answers the set's id. */
async function uploadSet(options: RemoteEvalOptions, set: TestSet): Promise<string> {
  const form = new FormData();
  form.set('name', path.basename(set.root));
  form.set('questions', new Blob([await readFile(set.file)], { type: 'application/x-ndjson' }), path.basename(set.file));
  for (const image of new Set(set.records.map((r) => r.image))) {
    let bytes: Buffer;
    try {
      bytes = await readFile(path.join(set.root, image));
    } catch {
      throw new CliUsageError(`--set: cannot read the image ${path.join(set.root, image)}`);
    }
    form.append('images', new Blob([new Uint8Array(bytes)]), image);
  }
  const res = await request(`${options.controller}/api/evaluations/sets`, { method: 'POST', headers: auth(options), body: form }, 'upload of the test set');
  if (!res.ok) throw await failure(res, 'upload of the test set');
  return ((await res.json()) as { set: { id: string } }).set.id;
}

function auth(options: RemoteEvalOptions): Record<string, string> {
  return { authorization: `Bearer ${options.token}` };
}

/**
 * `mgm eval --controller URL --models a,b`: runs an evaluation on the live platform, waits for
 * it and prints per model what in-process `mgm eval` prints. Answers the final snapshot.
 */
export async function remoteEval(options: RemoteEvalOptions, io: CliIo): Promise<EvaluationSnapshot> {
  const base = options.controller.replace(/\/+$/, '');
  options = { ...options, controller: base };
  const body: EvaluationStartInput = {
    set: options.set ? { kind: 'uploaded', id: await uploadSet(options, options.set) } : { kind: 'shipped' },
    models: options.models,
    params: { ...options.params },
    ...(options.imageMode ? { imageMode: options.imageMode } : {}),
    ...(options.limit !== undefined ? { limit: options.limit } : {}),
    ...(options.sample ? { sample: options.sample } : {}),
  };
  const res = await request(`${base}/api/evaluations`, { method: 'POST', headers: { ...auth(options), 'content-type': 'application/json' }, body: JSON.stringify(body) }, 'start of the evaluation');
  if (!res.ok) throw await failure(res, 'start of the evaluation');
  const { run } = (await res.json()) as { run: EvaluationRun };
  io.stderr.write(`evaluation ${run.id}: ${run.questions} questions x ${run.models.length} models (${base}/evaluate/${run.id})\n`);
  let lastLine = '';
  for (;;) {
    const poll = await request(`${base}/api/evaluations/${run.id}?results=none`, { headers: auth(options) }, 'progress of the evaluation');
    if (!poll.ok) throw await failure(poll, 'progress of the evaluation');
    const snapshot = (await poll.json()) as EvaluationSnapshot;
    const line = snapshot.summaries.map((s) => `${s.model} ${s.done}/${s.total}`).join('  ');
    if (!options.json && line !== lastLine) io.stderr.write(`  ${line}\n`);
    lastLine = line;
    if (snapshot.run.status !== 'running') return snapshot;
    await new Promise((resolve) => setTimeout(resolve, options.pollMs));
  }
}

export function remoteJsonLines(summaries: readonly ModelSummary[]): string {
  return summaries.map((s) => `${JSON.stringify(evalJsonLine(s))}\n`).join('');
}
