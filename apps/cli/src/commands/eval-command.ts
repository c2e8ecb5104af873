import path from 'node:path';
import type { ChatMessage } from '@mgm/protocol';
import { type DecodedImage, decodeImage } from '@mgm/vision';
import { type CliIo, CliUsageError, EXIT_FAILURE, EXIT_OK } from '../cli-io.ts';
import { commonOptions, imageMode, modelFlags, parseCommandArgs, readImageFile, samplingParams } from '../cli-options.ts';
import { type EvalScore, aggregate, scoreAnswer } from '../eval/scoring.ts';
import { readTestSet } from '../eval/test-set.ts';
import { openModel } from '../model-session.ts';

export const EVAL_HELP = `mgm eval --model DIR|NAME [--set models/eval] [--limit N] [--json] [flags]
  Answers every test question (greedy unless --temperature is given) and scores it: exact
  match for shape/colour/count/position/text, token F1 for description/generation;
  overall = exact match over the short-answer types. --json prints one JSON line last.`;

const evalOptions = { ...commonOptions, set: { type: 'string' }, limit: { type: 'string' } } as const;

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
  let limit: number | undefined;
  if (values.limit !== undefined) {
    limit = Number(values.limit);
    if (!Number.isInteger(limit) || limit < 1) throw new CliUsageError(`--limit must be a positive integer, got "${String(values.limit)}"`);
  }
  const set = await readTestSet(typeof values.set === 'string' ? values.set : 'models/eval');
  const records = set.records.slice(0, limit);
  const flags = await modelFlags(values);
  const model = await openModel(flags);

  const images = new Map<string, DecodedImage>();
  const scored: { type: string; score: number }[] = [];
  const t0 = performance.now();
  let failures = 0;
  try {
    for (const [i, r] of records.entries()) {
      let image = images.get(r.image);
      if (!image) {
        image = await decodeImage(await readImageFile(path.join(set.root, r.image)));
        images.set(r.image, image);
      }
      const messages: ChatMessage[] = [];
      for (const h of r.history) messages.push({ role: 'user', content: h.question }, { role: 'assistant', content: h.answer });
      messages.push({ role: 'user', content: r.question });
      const result = await model.generate({ messages, image, imageMode: mode, params }).result;
      if (result.finishReason === 'error') failures++;
      scored.push({ type: r.type, score: scoreAnswer(r.type, result.text.trim(), r.answer) });
      if (!values.json && (i + 1) % 50 === 0) io.stderr.write(`  ${i + 1}/${records.length}\n`);
    }
  } finally {
    await model.close();
  }
  const score = aggregate(scored);
  const seconds = Math.round((performance.now() - t0) / 100) / 10;
  if (values.json) {
    io.stdout.write(`${JSON.stringify({ model: model.info.name, dtype: model.info.dtype, ...score, seconds })}\n`);
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
