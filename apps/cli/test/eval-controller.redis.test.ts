import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EvaluationRun, EvaluationSnapshot } from '@mgm/evaluation';
import { defaultModels, repoRoot, startStack, type Stack } from '../../../scripts/stack.ts';
import { runCli } from './run-cli.ts';

// A seeded sample of the shipped test set, small enough for a 2-core CI machine; expectations are
// derived here, from in-process `mgm eval` on the same questions, never written down.
const SAMPLE = ['--sample', '24', '--sample-seed', '19'];

let stack: Stack;
let dataDir: string;
const lines: string[] = [];

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'mgm-eval-controller-'));
  stack = await startStack({
    privateRedis: true,
    redisPrefix: `test-eval-${process.pid}`,
    controllerPort: 0,
    webPort: null,
    workerThreads: 1,
    dataDir,
    output: (source, line) => lines.push(`[${source}] ${line}`),
    timeoutMs: 120_000,
  });
}, 180_000);

afterAll(async () => {
  await stack?.stop();
  await rm(dataDir, { recursive: true, force: true });
});

interface EvalLine {
  model: string;
  dtype: string;
  n: number;
  overall: number;
  by_type: Record<string, unknown>;
  seconds: number;
}

const withoutSeconds = ({ seconds: _seconds, ...rest }: EvalLine) => rest;

describe('mgm eval --controller: an evaluation run on the live checkpoints', () => {
  it('gives, per model and type, the scores and the very answers of in-process mgm eval on the same questions', async () => {
    const live = (await (await fetch(`${stack.controllerUrl}/api/models`)).json()) as { models: Array<{ id: string }> };
    const models = live.models.map((m) => m.id).sort();
    expect(models.length).toBe(stack.workers.length);

    const remote = await runCli(['eval', '--controller', stack.controllerUrl, '--models', models.join(','), ...SAMPLE, '--json'], {
      env: { MGM_ADMIN_TOKEN: stack.adminToken },
    });
    expect(remote.err).toContain('evaluation ');
    expect(remote.code, remote.err).toBe(0);
    const remoteLines = remote.out.trim().split('\n').map((l) => JSON.parse(l) as EvalLine);
    expect(remoteLines.map((l) => l.model)).toEqual(models);

    const auth = { authorization: `Bearer ${stack.adminToken}` };
    const { runs } = (await (await fetch(`${stack.controllerUrl}/api/evaluations`, { headers: auth })).json()) as { runs: EvaluationRun[] };
    const run = runs[0]!;
    expect(run.status).toBe('done');
    const snapshot = (await (await fetch(`${stack.controllerUrl}/api/evaluations/${run.id}?results=all`)).json()) as EvaluationSnapshot;

    for (const folder of defaultModels) {
      const answersFile = path.join(dataDir, `${path.basename(folder)}-answers.jsonl`);
      const local = await runCli(['eval', '--model', path.join(repoRoot, folder), '--set', path.join(repoRoot, 'models/eval'), ...SAMPLE, '--json', '--answers', answersFile]);
      expect(local.code, local.err).toBe(0);
      const localLine = JSON.parse(local.out.trim().split('\n').at(-1)!) as EvalLine;
      const remoteLine = remoteLines.find((l) => l.model === localLine.model);
      expect(remoteLine, `${localLine.model} was evaluated by the controller`).toBeDefined();
      expect(withoutSeconds(remoteLine!)).toEqual(withoutSeconds(localLine));

      const localAnswers = (await readFile(answersFile, 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as { id: string; answer: string; score: number; tokens: unknown });
      const remoteAnswers = snapshot.results!.filter((r) => r.model === localLine.model).sort((a, b) => a.index - b.index);
      expect(remoteAnswers.map((r) => ({ id: r.questionId, answer: r.answer, score: r.score, tokens: r.tokens }))).toEqual(
        localAnswers.map((a) => ({ id: a.id, answer: a.answer, score: a.score, tokens: a.tokens })),
      );
    }
  }, 900_000);
});
