import type { IncomingMessage, ServerResponse } from 'node:http';
import { pipeline } from 'node:stream/promises';
import type { Logger } from 'pino';
import { evaluationIdSchema } from '@mgm/evaluation';
import { MgmError } from '@mgm/protocol';
import { disabledError, type AdminAuth } from '../admin/admin-auth.ts';
import { methodNotAllowed, parseJson, sendError, sendJson } from '../http-json.ts';
import { readBody } from '../read-body.ts';
import type { EvaluationService, ResultsFilter } from './evaluation-service.ts';
import type { EvaluationStore } from './evaluation-store.ts';
import type { QuestionSets, QuestionSetUpload } from './question-sets.ts';

export interface EvaluationRoutesDeps {
  auth: AdminAuth;
  service: EvaluationService;
  store: EvaluationStore;
  sets: QuestionSets;
  logger: Logger;
  /** Largest question-set upload (JSONL + images, multipart). */
  maxSetBytes: number;
}

const RUN_PATH = /^\/api\/evaluations\/([^/]+)$/;
const STOP_PATH = /^\/api\/evaluations\/([^/]+)\/stop$/;
const EXPORT_PATH = /^\/api\/evaluations\/([^/]+)\/export$/;

/**
 * /api/evaluations…: starting, stopping and listing runs and uploading question sets need the
 * admin token or session (a run uses the whole fleet); a run's results and its JSONL are read
 * by anyone with its id (the share link). Answers false for paths that are not its own.
 */
export function createEvaluationRoutes(deps: EvaluationRoutesDeps): (req: IncomingMessage, res: ServerResponse) => Promise<boolean> {
  return async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://controller');
    if (!url.pathname.startsWith('/api/evaluations')) return false;
    try {
      await route(deps, req, res, url);
    } catch (error) {
      sendError(req, res, error, deps.logger);
    }
    return true;
  };
}

async function requireAdmin(deps: EvaluationRoutesDeps, req: IncomingMessage): Promise<void> {
  if (!deps.auth.enabled) throw disabledError();
  if (!(await deps.auth.authorize(req.headers))) {
    throw new MgmError('UNAUTHORIZED', 'starting or stopping an evaluation needs the admin token (log in on /admin, or send it as a Bearer token)');
  }
}

function runId(raw: string): string {
  const parsed = evaluationIdSchema.safeParse(decodeURIComponent(raw));
  if (!parsed.success) throw new MgmError('NOT_FOUND', 'no such evaluation run');
  return parsed.data;
}

async function route(deps: EvaluationRoutesDeps, req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
  const method = req.method ?? 'GET';
  const path = url.pathname;
  if (path === '/api/evaluations/sets') {
    await requireAdmin(deps, req);
    if (method === 'GET') return sendJson(res, 200, { sets: await deps.sets.list() });
    if (method === 'POST') return sendJson(res, 201, { set: await deps.sets.upload(await readSetUpload(req, deps.maxSetBytes)) });
    return methodNotAllowed(res, 'GET, POST');
  }
  if (path === '/api/evaluations') {
    await requireAdmin(deps, req);
    if (method === 'GET') return sendJson(res, 200, { runs: await deps.service.list() });
    if (method === 'POST') return sendJson(res, 201, { run: await deps.service.start(parseJson(await readBody(req, 64 * 1024))) });
    return methodNotAllowed(res, 'GET, POST');
  }
  const stop = STOP_PATH.exec(path);
  if (stop) {
    if (method !== 'POST') return methodNotAllowed(res, 'POST');
    await requireAdmin(deps, req);
    return sendJson(res, 200, { run: await deps.service.stop(runId(stop[1]!)) });
  }
  const exported = EXPORT_PATH.exec(path);
  if (exported) {
    if (method !== 'GET') return methodNotAllowed(res, 'GET');
    const id = runId(exported[1]!);
    const stream = await deps.store.exportStream(id);
    if (!stream) throw new MgmError('NOT_FOUND', 'no such evaluation run');
    res.writeHead(200, {
      'content-type': 'application/x-ndjson; charset=utf-8',
      'content-disposition': `attachment; filename="evaluation-${id}.jsonl"`,
      'cache-control': 'no-store',
    });
    await pipeline(stream, res);
    return;
  }
  const run = RUN_PATH.exec(path);
  if (run) {
    if (method !== 'GET') return methodNotAllowed(res, 'GET');
    const filter = url.searchParams.get('results') ?? 'none';
    if (filter !== 'none' && filter !== 'wrong' && filter !== 'all') throw new MgmError('BAD_REQUEST', 'results is one of none, wrong, all');
    return sendJson(res, 200, await deps.service.snapshot(runId(run[1]!), filter as ResultsFilter));
  }
  throw new MgmError('NOT_FOUND', `no route ${method} ${path}`);
}

/** multipart/form-data: `questions` (the JSONL file), `images` (one field per image file), `name` (optional). */
async function readSetUpload(req: IncomingMessage, limit: number): Promise<QuestionSetUpload> {
  const contentType = (req.headers['content-type'] ?? '').toLowerCase();
  if (!contentType.startsWith('multipart/form-data')) {
    throw new MgmError('BAD_REQUEST', 'upload a question set as multipart/form-data: a "questions" JSONL file and its "images" files');
  }
  const body = await readBody(req, limit);
  let form: FormData;
  try {
    form = await new Request('http://upload/', { method: 'POST', headers: { 'content-type': contentType }, body }).formData();
  } catch {
    throw new MgmError('BAD_REQUEST', 'the multipart body could not be parsed');
  }
  const questions = form.get('questions');
  if (!questions) throw new MgmError('BAD_REQUEST', 'the form has no "questions" field (the JSONL file)');
  const jsonl = typeof questions === 'string' ? questions : await questions.text();
  const images = new Map<string, Uint8Array>();
  for (const entry of form.getAll('images')) {
    if (typeof entry === 'string') throw new MgmError('BAD_REQUEST', 'every "images" field must be a file');
    images.set(entry.name, new Uint8Array(await entry.arrayBuffer()));
  }
  const name = form.get('name');
  const fallback = typeof questions === 'string' ? 'uploaded set' : questions.name || 'uploaded set';
  return { name: typeof name === 'string' && name.trim() !== '' ? name.trim() : fallback, jsonl, images };
}
