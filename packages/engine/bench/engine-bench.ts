/**
 * npm run bench:engine [-- --runs 20 --readme --fixtures --spin]
 *
 * For each checkpoint folder under models/ (or the engine's micro fixtures with --fixtures, or
 * when models/ has none), on CPU: image preprocessing, vision, TTFT and decode tokens/s through
 * the engine (median of --runs), and the same greedy decode with bare session.run + argmax, run
 * interleaved with the engine so both see the same machine load. Then packages/vision's
 * preprocessing bench, if present. --readme writes the table into packages/engine/README.md.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { decodeImage } from '@mgm/vision';
import { pino } from 'pino';
import { loadModel } from '../src/index.ts';
import { parseDevice } from '../src/execution-provider.ts';
import { encodeImage } from '../src/image-input.ts';
import { loadManifest } from '../src/manifest.ts';
import { MgmTokenizer } from '../src/mgm-tokenizer.ts';
import { tokenizePrompt } from '../src/prompt-tokens.ts';
import { splice } from '../src/generation/prompt-embeds.ts';
import { createSessions } from '../src/sessions.ts';
import { renderGenerationPrompt } from '../src/templates/render-prompt.ts';
import { createVision } from '../src/vision-adapter.ts';
import { bareGreedyDecode } from './bare-decode-loop.ts';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, '../../..');
const QUESTION = 'Describe the image in one sentence.';

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '20' },
    readme: { type: 'boolean', default: false },
    fixtures: { type: 'boolean', default: false },
    tokens: { type: 'string', default: '48' },
    spin: { type: 'boolean', default: false },
  },
});
const RUNS = Math.max(20, Number(values.runs));
if (!Number.isFinite(RUNS)) throw new Error('--runs must be a number');
const MAX_TOKENS = Number(values.tokens);

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
};

function checkpointDirs(): { dirs: string[]; source: string } {
  const models = path.join(ROOT, 'models');
  const real = existsSync(models)
    ? readdirSync(models)
        .map((d) => path.join(models, d))
        .filter((d) => existsSync(path.join(d, 'mgm.json')))
    : [];
  if (real.length > 0 && !values.fixtures) return { dirs: real, source: 'models/' };
  const fixtures = path.join(ROOT, 'packages/engine/test/fixtures');
  return { dirs: ['micro-mgm', 'micro-hd'].map((d) => path.join(fixtures, d)), source: 'engine test fixtures (random weights)' };
}

async function benchImage(): Promise<{ file: string; bytes: Uint8Array }> {
  const evalImages = path.join(ROOT, 'models/eval/images');
  const file = existsSync(evalImages)
    ? path.join(evalImages, readdirSync(evalImages).filter((f) => f.endsWith('.png')).sort()[0] as string)
    : path.join(ROOT, 'packages/engine/test/fixtures/shapes.png');
  return { file, bytes: new Uint8Array(await readFile(file)) };
}

interface Row {
  name: string;
  visual: number;
  prompt: number;
  tokens: number;
  preprocessMs: number;
  visionMs: number;
  ttftMs: number;
  engineTps: number;
  bareTps: number;
  /** Median over runs of engine / bare tok/s, each pair run back to back. */
  ratio: number;
  /** Best run of each (the one the machine's other load disturbed least). */
  engineBestTps: number;
  bareBestTps: number;
}

async function benchCheckpoint(dir: string, image: Uint8Array): Promise<Row> {
  const logger = pino({ level: 'warn' });
  const model = await loadModel(dir, { logger, allowSpinning: values.spin });
  const decoded = await decodeImage(image);
  const messages = [{ role: 'user' as const, content: QUESTION }];

  // Fix the number of tokens: what greedy decoding produces for this question (capped).
  const probe = await model.generate({ messages, image: decoded, params: { temperature: 0, maxNewTokens: MAX_TOKENS } }).result;
  const tokens = probe.tokens.generated;

  // The bare loop's inputs: same files, same session options, prompt embeddings built once.
  const loaded = await loadManifest(dir);
  const m = loaded.manifest;
  const sessions = await createSessions(loaded, { device: parseDevice('cpu'), dtype: 'fp32', logger, allowSpinning: values.spin });
  const tokenizer = await MgmTokenizer.fromFile(path.join(loaded.dir, m.files.tokenizer));
  const prompt = tokenizePrompt(renderGenerationPrompt(m.template, messages, true), tokenizer, m.special_tokens);
  const vision = createVision();
  const prepared = await vision.preprocess(decoded, vision.parseSpec(m.image));
  const features = await encodeImage(sessions.vision, prepared, m);
  const textEmbeds = (await sessions.embed.run({
    input_ids: new (await import('onnxruntime-node')).Tensor('int64', BigInt64Array.from(prompt.ids, BigInt), [1, prompt.ids.length]),
  })).inputs_embeds?.data as Float32Array;
  const embeds = splice(textEmbeds, features, prompt.imageAt, m.llm.hidden_size);
  const promptLength = prompt.ids.length + m.image.visual_tokens;

  const pre: number[] = [];
  const vis: number[] = [];
  const ttft: number[] = [];
  const engineTps: number[] = [];
  const bareTps: number[] = [];
  const engineRun = async (): Promise<void> => {
    const r = await model.generate({ messages, image: decoded, params: { temperature: 0, maxNewTokens: tokens } }).result;
    if (r.outputIds.join() !== probe.outputIds.join()) throw new Error(`${m.name}: greedy output changed between runs`);
    pre.push(r.timingsMs.preprocess);
    vis.push(r.timingsMs.vision);
    ttft.push(r.timingsMs.ttft);
    engineTps.push(r.tokensPerSecond);
  };
  const bareRun = async (): Promise<void> => {
    const bare = await bareGreedyDecode(sessions, m, embeds, promptLength, tokens);
    if (bare.ids.join() !== probe.outputIds.join()) throw new Error(`${m.name}: the bare loop decoded other tokens than the engine`);
    bareTps.push(((tokens - 1) * 1000) / bare.decodeMs);
  };
  // Alternate which goes first: whichever runs second inherits the other's garbage and warm caches.
  for (let i = 0; i < RUNS; i++) {
    if (i % 2 === 0) {
      await engineRun();
      await bareRun();
    } else {
      await bareRun();
      await engineRun();
    }
  }
  await model.close();
  await Promise.all([sessions.vision.release(), sessions.embed.release(), sessions.decoder.release()]);
  return {
    name: m.name,
    visual: m.image.visual_tokens,
    prompt: prompt.ids.length,
    tokens,
    preprocessMs: median(pre),
    visionMs: median(vis),
    ttftMs: median(ttft),
    engineTps: median(engineTps),
    bareTps: median(bareTps),
    ratio: median(engineTps.map((e, i) => e / (bareTps[i] as number))),
    engineBestTps: Math.max(...engineTps),
    bareBestTps: Math.max(...bareTps),
  };
}

function table(rows: Row[], header: string): string {
  const f = (x: number, d = 1): string => x.toFixed(d);
  const lines = [
    header,
    '',
    '| checkpoint | prompt + visual tokens | new tokens | preprocess ms | vision ms | TTFT ms | engine tok/s | bare loop tok/s | engine / bare (median of pairs) | best engine / best bare tok/s |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
    ...rows.map(
      (r) =>
        `| ${r.name} | ${r.prompt} + ${r.visual} | ${r.tokens} | ${f(r.preprocessMs, 2)} | ${f(r.visionMs, 2)} | ${f(r.ttftMs)} | ` +
        `${f(r.engineTps)} | ${f(r.bareTps)} | ${f(r.ratio, 3)} | ${f(r.engineBestTps)} / ${f(r.bareBestTps)} = ${f(r.engineBestTps / r.bareBestTps, 3)} |`,
    ),
  ];
  return lines.join('\n');
}

async function writeReadme(text: string): Promise<void> {
  const file = path.join(HERE, '../README.md');
  const start = '<!-- bench:engine:start -->';
  const end = '<!-- bench:engine:end -->';
  const readme = await readFile(file, 'utf8');
  const a = readme.indexOf(start);
  const b = readme.indexOf(end);
  if (a === -1 || b === -1) throw new Error(`README.md lacks the ${start} / ${end} markers`);
  await writeFile(file, `${readme.slice(0, a + start.length)}\n${text}\n${readme.slice(b)}`);
}

async function main(): Promise<void> {
  const { dirs, source } = checkpointDirs();
  const img = await benchImage();
  const cpu = os.cpus()[0]?.model ?? 'cpu';
  console.log(`bench:engine on ${cpu} x${os.cpus().length}, Node ${process.version}; ${RUNS} runs each; checkpoints: ${source}`);
  console.log(`image ${path.relative(ROOT, img.file)}; question "${QUESTION}" (greedy)`);
  const rows: Row[] = [];
  for (const dir of dirs) {
    const row = await benchCheckpoint(dir, img.bytes);
    rows.push(row);
    console.log(
      `${row.name}: preprocess ${row.preprocessMs.toFixed(2)} ms, vision ${row.visionMs.toFixed(2)} ms, TTFT ${row.ttftMs.toFixed(1)} ms, ` +
        `decode ${row.engineTps.toFixed(1)} tok/s (bare ${row.bareTps.toFixed(1)}, ratio ${row.ratio.toFixed(3)}; ` +
        `best ${row.engineBestTps.toFixed(1)} / ${row.bareBestTps.toFixed(1)} = ${(row.engineBestTps / row.bareBestTps).toFixed(3)})`,
    );
  }
  const text = table(
    rows,
    `Measured ${new Date().toISOString().slice(0, 10)} on ${cpu} x${os.cpus().length} (shared machine, load average ` +
      `${os.loadavg().map((x) => x.toFixed(1)).join(' ')} at the end), CPU provider, ` +
      `onnxruntime thread spinning ${values.spin ? 'on' : 'off (the engine default)'}, ` +
      `median of ${RUNS} runs, checkpoints: ${source}. Image ${path.relative(ROOT, img.file)}, question "${QUESTION}", greedy; ` +
      'preprocess = @mgm/vision on the decoded image; TTFT from generate() to the first token (preprocess + vision + prefill included); ' +
      'tok/s over the tokens after the first; engine / bare is the median of the per-run ratios (each pair run back to back), ' +
      'and the ratio of the best runs (the least disturbed by the machine\'s other load).',
  );
  console.log(`\n${text}\n`);
  if (values.readme) await writeReadme(text);

  const visionBench = path.join(ROOT, 'packages/vision/bench/preprocess-bench.ts');
  if (existsSync(visionBench)) {
    console.log('packages/vision preprocessing bench:');
    const r = spawnSync('npx', ['tsx', visionBench], { cwd: path.join(ROOT, 'packages/vision'), stdio: 'inherit' });
    if (r.status !== 0) process.exitCode = r.status ?? 1;
  }
}

await main();
