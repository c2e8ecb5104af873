// Preprocessing at MGM's real sizes, @mgm/vision against the Python PIL + numpy reference doing
// the same steps in-process (reference/preprocess_ref.py bench). The image is decoded once; the
// timings cover pad/resize, CLIP resize + centre crop + normalise, the LR tensor and the HD views.
// Usage: npm run bench -w @mgm/vision [-- --runs 30 --python /usr/bin/python3]
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { parseArgs } from 'node:util';
import { decodeImage, preprocess, Preprocessor, type ImageSpec, type ProcessMode } from '../src/index.ts';
import { photoLikeJpeg } from './photo.ts';

const run = promisify(execFile);
const { values: args } = parseArgs({
  options: { runs: { type: 'string', default: '30' }, python: { type: 'string', default: '/usr/bin/python3' } },
});
const runs = Math.max(20, Number(args.runs));

const clip = {
  mean: [0.48145466, 0.4578275, 0.40821073],
  std: [0.26862954, 0.26130258, 0.27577711],
  pad_color: [122, 116, 104],
  resample: 'bicubic',
} as const;
const cases: { name: string; spec: ImageSpec; mode: ProcessMode }[] = [];
const hr: ImageSpec = { process_mode: 'pad', lr_size: 336, hr_size: 768, grid: 1, global_view: false, views: 1, tokens_per_view: 576, visual_tokens: 576, ...clip, mean: [...clip.mean], std: [...clip.std], pad_color: [...clip.pad_color] };
const hd: ImageSpec = { ...hr, hr_size: 1536, grid: 2, global_view: true, views: 5, visual_tokens: 2880 };
for (const mode of ['pad', 'crop'] as const) {
  cases.push({ name: `HR 768 + LR 336, ${mode}`, spec: hr, mode });
  cases.push({ name: `HD 1536 -> 672 (4 x 336 + global), ${mode}`, spec: hd, mode });
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

const dir = await mkdtemp(join(tmpdir(), 'mgm-vision-bench-'));
try {
  const jpeg = await photoLikeJpeg(1000, 750);
  const imagePath = join(dir, 'photo.jpg');
  await writeFile(imagePath, jpeg);
  const image = await decodeImage(jpeg);
  const pre = new Preprocessor();
  const results = [];
  for (const c of cases) {
    for (let i = 0; i < 3; i++) pre.run(image, c.spec, c.mode);
    const wall: number[] = [];
    const cpu: number[] = [];
    for (let i = 0; i < runs; i++) {
      const c0 = process.cpuUsage();
      const t0 = performance.now();
      await pre.preprocess(image, c.spec, c.mode);
      wall.push(performance.now() - t0);
      const dc = process.cpuUsage(c0);
      cpu.push((dc.user + dc.system) / 1000);
    }
    const oneOff: number[] = [];
    for (let i = 0; i < Math.min(runs, 10); i++) {
      const t0 = performance.now();
      await preprocess(image, c.spec, c.mode);
      oneOff.push(performance.now() - t0);
    }
    const specPath = join(dir, 'spec.json');
    await writeFile(specPath, JSON.stringify(c.spec));
    const script = new URL('../reference/preprocess_ref.py', import.meta.url).pathname;
    const { stdout } = await run(args.python, [script, 'bench', '--image', imagePath, '--spec', specPath, '--mode', c.mode, '--runs', String(runs)]);
    const py = JSON.parse(stdout.trim().split('\n').pop() as string) as { median_ms: number; median_cpu_ms: number };
    const r = {
      case: c.name,
      ts_ms: median(wall),
      ts_cpu_ms: median(cpu),
      ts_one_off_ms: median(oneOff),
      python_ms: py.median_ms,
      python_cpu_ms: py.median_cpu_ms,
      speedup: py.median_ms / median(wall),
      speedup_cpu: py.median_cpu_ms / median(cpu),
    };
    results.push(r);
    process.stdout.write(
      `${r.case.padEnd(44)} TS ${r.ts_ms.toFixed(1).padStart(6)} ms (cpu ${r.ts_cpu_ms.toFixed(1)}, one-off ${r.ts_one_off_ms.toFixed(1)})` +
        `  Python ${r.python_ms.toFixed(1).padStart(6)} ms (cpu ${r.python_cpu_ms.toFixed(1)})  x${r.speedup.toFixed(1)} (cpu x${r.speedup_cpu.toFixed(1)})\n`,
    );
  }
  process.stdout.write(`image 1000x750 JPEG, ${runs} runs each, medians; load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}\n`);
  process.stdout.write(`${JSON.stringify({ bench: 'vision-preprocess', runs, results })}\n`);
} finally {
  await rm(dir, { recursive: true, force: true });
}
