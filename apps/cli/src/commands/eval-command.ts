import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { type EvalScore, aggregate, recordMessages, scoreAnswer, selectQuestions } from '@mgm/evaluation';
import { type DecodedImage, decodeImage } from '@mgm/vision';
import { type CliIo, CliUsageError, EXIT_FAILURE, EXIT_OK } from '../cli-io.ts';
import { type ParsedValues, commonOptions, imageMode, modelFlags, parseCommandArgs, readImageFile, samplingParams } from '../cli-options.ts';
import { remoteEval, remoteJsonLines } from '../eval/remote-eval.ts';
import { readTestSet } from '../eval/test-set.ts';
import { openImageTextReader } from '../mgm-extras.ts';
import { openModel } from '../model-session.ts';

export const EVAL_HELP = `mgm eval --model DIR|NAME [--set models/eval] [--limit N] [--sample N [--sample-seed S]] [--json] [flags]
mgm eval --controller URL --models a,b,c [--set DIR] [--limit N] [--sample N] [--json] [flags]
  Answers every test question (greedy unless --temperature is given) and scores it: exact
  match for shape/colour/count/position/text, token F1 for description/generation;
  overall = exact match over the short-answer types. --json prints one JSON line last.
  --sample N asks N questions drawn with --sample-seed (default 1), in file order.
  --answers FILE writes every answer with its score as JSONL (in process).
  --types a,b keeps the questions of those types (e.g. text).
  --ocr gives the model each image's OCR text, as "Use OCR" does (in process; read once per image).
  With --controller, the live models of that controller answer (an evaluation run, queued
  behind people's questions); --set is uploaded first (default: the controller's shipped
  set). Needs the admin token in MGM_ADMIN_TOKEN (or ADMIN_TOKEN). --json prints one line
  per model, as in-process --json does for one.`;

const evalOptions = {
  ...commonOptions,
  set: { type: 'string' },
  limit: { type: 'string' },
  sample: { type: 'string' },
  'sample-seed': { type: 'string' },
  controller: { type: 'string' },
  models: { type: 'string' },
  answers: { type: 'string' },
  types: { type: 'string' },
  ocr: { type: 'boolean', default: false },
} as const;

function positiveInt(values: ParsedValues, flag: string, min = 1): number | undefined {
  const raw = values[flag];
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min) throw new CliUsageError(`--${flag} must be an integer >= ${min}, got "${String(raw)}"`);
  return n;
}

export async function evalCommand(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, evalOptions);
  if (values.help) {
    io.stdout.write(`${EVAL_HELP}\n`);
    return EXIT_OK;
  }
  if (positionals.length > 0) throw new CliUsageError(`eval takes no positional arguments (got "${positionals.join(' ')}")`);
  // Scoring is greedy by default, as the PyTorch evaluation the figures are compared with.
  const params = samplingParams(values, { temperature: 0 });
  const mode = imageMode(values);
  const limit = positiveInt(values, 'limit');
  const sampleSize = positiveInt(values, 'sample');
  const sampleSeed = positiveInt(values, 'sample-seed', 0);
  if (sampleSeed !== undefined && sampleSize === undefined) throw new CliUsageError('--sample-seed needs --sample');
  const sample = sampleSize === undefined ? undefined : { size: sampleSize, seed: sampleSeed ?? 1 };

  const types = typeof values.types === 'string' ? new Set(values.types.split(',').map((t) => t.trim()).filter(Boolean)) : null;
  if (typeof values.controller === 'string') {
    if (values.ocr || types) throw new CliUsageError('--ocr and --types are in-process options (not with --controller)');
    if (values.model !== undefined) throw new CliUsageError('--controller takes --models a,b,c (the live models), not --model');
    const models = typeof values.models === 'string' ? values.models.split(',').map((m) => m.trim()).filter(Boolean) : [];
    if (models.length === 0) throw new CliUsageError('--controller needs --models a,b,c');
    const token = process.env.MGM_ADMIN_TOKEN || process.env.ADMIN_TOKEN;
    if (!token) throw new CliUsageError('--controller needs the admin token in MGM_ADMIN_TOKEN (or ADMIN_TOKEN)');
    const set = typeof values.set === 'string' ? await readTestSet(values.set) : undefined;
    const snapshot = await remoteEval(
      { controller: values.controller, models, token, params, imageMode: mode, limit, sample, set, pollMs: 1000, json: values.json === true },
      io,
    );
    for (const s of snapshot.summaries) {
      if (values.json) continue;
      io.stdout.write(formatTable(s.model, s.score, s.seconds));
    }
    if (values.json) io.stdout.write(remoteJsonLines(snapshot.summaries));
    const failures = snapshot.summaries.reduce((n, s) => n + s.failures, 0);
    if (snapshot.run.status !== 'done') {
      io.stderr.write(`mgm: the evaluation ended ${snapshot.run.status}${snapshot.run.reason ? `: ${snapshot.run.reason}` : ''}\n`);
      return EXIT_FAILURE;
    }
    if (failures > 0) {
      io.stderr.write(`mgm: ${failures} generation(s) failed\n`);
      return EXIT_FAILURE;
    }
    return EXIT_OK;
  }
  if (values.models !== undefined) throw new CliUsageError('--models goes with --controller; in process, use --model');
  const answersFile = typeof values.answers === 'string' ? values.answers : undefined;

  const set = await readTestSet(typeof values.set === 'string' ? values.set : 'models/eval');
  const records = selectQuestions(types ? set.records.filter((r) => types.has(r.type)) : set.records, { limit, sample });
  if (records.length === 0) throw new CliUsageError(`no question${types ? ` of type ${[...types].join(', ')}` : ''} in ${set.root}`);
  const flags = await modelFlags(values);
  const model = await openModel(flags);
  const textReader = values.ocr ? await openImageTextReader(flags.intraOpThreads) : null;

  const images = new Map<string, DecodedImage>();
  const ocrTexts = new Map<string, string | null>();
  const scored: { type: string; score: number }[] = [];
  const answers: string[] = [];
  const t0 = performance.now();
  let failures = 0;
  try {
    for (const [i, r] of records.entries()) {
      let image = images.get(r.image);
      if (!image) {
        const bytes = await readImageFile(path.join(set.root, r.image));
        image = await decodeImage(bytes);
        images.set(r.image, image);
        if (textReader) ocrTexts.set(r.image, await textReader.read(bytes));
      }
      const messages = recordMessages(r);
      const ocrText = values.ocr ? (ocrTexts.get(r.image) ?? null) : undefined;
      const result = await model.generate({ messages, image, imageMode: mode, params, ...(ocrText !== undefined ? { ocrText } : {}) }).result;
      if (result.finishReason === 'error') failures++;
      const score = scoreAnswer(r.type, result.text.trim(), r.answer);
      scored.push({ type: r.type, score });
      if (answersFile) {
        answers.push(JSON.stringify({ id: r.id, type: r.type, reference: r.answer, answer: result.text.trim(), score, ...(values.ocr ? { ocr: ocrText } : {}), finishReason: result.finishReason, tokens: result.tokens }));
      }
      if (!values.json && (i + 1) % 50 === 0) io.stderr.write(`  ${i + 1}/${records.length}\n`);
    }
  } finally {
    await model.close();
    await textReader?.close();
  }
  if (answersFile) await writeFile(answersFile, answers.map((line) => `${line}\n`).join(''));
  const score = aggregate(scored);
  const seconds = Math.round((performance.now() - t0) / 100) / 10;
  if (values.json) {
    io.stdout.write(`${JSON.stringify({ model: model.info.name, dtype: model.info.dtype, ...(values.ocr ? { ocr: true } : {}), ...score, seconds })}\n`);
  } else {
    io.stdout.write(formatTable(model.info.name, score, seconds));
  }
  if (failures > 0) {
    io.stderr.write(`mgm: ${failures} generation(s) failed\n`);
    return EXIT_FAILURE;
  }
  return EXIT_OK;
}

function formatTable(model: string, s: EvalScore, seconds: number): string {
  const pct = (x: number): string => `${(x * 100).toFixed(1)}%`;
  const lines = [`${model}: ${s.n} questions in ${seconds}s`, `  ${'type'.padEnd(12)} ${'n'.padStart(5)}  score`];
  for (const [type, t] of Object.entries(s.by_type)) {
    lines.push(`  ${type.padEnd(12)} ${String(t.n).padStart(5)}  ${pct(t.accuracy)} ${t.metric === 'f1' ? '(token F1)' : '(exact)'}`);
  }
  lines.push(`  ${'overall'.padEnd(12)} ${''.padStart(5)}  ${pct(s.overall)} (exact, short answers)`);
  return `${lines.join('\n')}\n`;
}
