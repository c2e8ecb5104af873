import type { Benchmarks, ZooEntry } from './zoo-entry.ts';

/**
 * The released MGM checkpoints (dvlab-research/MGM, "Model" section).
 * Benchmark figures: the "Evaluation" table of the MGM repository's README (the paper's Table 1
 * reports the same models); "--" in that table is null here.
 */
export const MGM_BENCHMARKS_SOURCE = 'MGM repository README, Evaluation table (dvlab-research/MGM; paper arXiv:2403.18814)';

const CLIP_336_TOKENS = 576; // (336 / 14)^2

interface ReleasedSpec {
  name: string;
  baseLlm: string;
  llmSize: string;
  template: ZooEntry['template'];
  hd: boolean;
  benchmarks: Benchmarks;
}

function b(
  textvqa: number | null,
  mmb: number | null,
  mme: [number, number] | null,
  mmvet: number | null,
  mmmuVal: number | null,
  mmmuTest: number | null,
  mathvista: number | null,
): Benchmarks {
  return {
    textvqa,
    mmb,
    mme: mme ? { perception: mme[0], cognition: mme[1] } : null,
    mmvet,
    mmmuVal,
    mmmuTest,
    mathvista,
  };
}

const SPECS: ReleasedSpec[] = [
  { name: 'MGM-2B', baseLlm: 'Gemma-2B', llmSize: '2B', template: 'gemma', hd: false, benchmarks: b(56.2, 59.8, [1341, 312], 31.1, 31.7, 29.1, 29.4) },
  { name: 'MGM-7B', baseLlm: 'Vicuna-7B-v1.5', llmSize: '7B', template: 'vicuna_v1', hd: false, benchmarks: b(65.2, 69.3, [1523, 316], 40.8, 36.1, 32.8, 31.4) },
  { name: 'MGM-13B', baseLlm: 'Vicuna-13B-v1.5', llmSize: '13B', template: 'vicuna_v1', hd: false, benchmarks: b(65.9, 68.5, [1565, 322], 46.0, 38.1, 33.5, 37.0) },
  { name: 'MGM-8B', baseLlm: 'LLaMA-3-8B-Instruct', llmSize: '8B', template: 'llama_3', hd: false, benchmarks: b(67.6, 72.7, [1606, 341], 47.3, 38.2, 36.3, null) },
  { name: 'MGM-8x7B', baseLlm: 'Mixtral-8x7B-Instruct-v0.1', llmSize: '8x7B', template: 'mistral_instruct', hd: false, benchmarks: b(69.2, 75.6, [1639, 379], 45.8, 41.8, 37.1, 41.8) },
  { name: 'MGM-34B', baseLlm: 'Nous-Hermes-2-Yi-34B', llmSize: '34B', template: 'chatml_direct', hd: false, benchmarks: b(70.1, 79.6, [1666, 439], 53.0, 48.7, 43.6, 38.9) },
  { name: 'MGM-7B-HD', baseLlm: 'Vicuna-7B-v1.5', llmSize: '7B', template: 'vicuna_v1', hd: true, benchmarks: b(68.4, 65.8, [1546, 319], 41.3, 36.8, 32.9, 32.2) },
  { name: 'MGM-13B-HD', baseLlm: 'Vicuna-13B-v1.5', llmSize: '13B', template: 'vicuna_v1', hd: true, benchmarks: b(70.2, 68.6, [1597, 320], 50.5, 37.3, 35.1, 37.0) },
  { name: 'MGM-8B-HD', baseLlm: 'LLaMA-3-8B-Instruct', llmSize: '8B', template: 'llama_3', hd: true, benchmarks: b(71.6, null, [1532, 357], null, 37.0, null, null) },
  { name: 'MGM-8x7B-HD', baseLlm: 'Mixtral-8x7B-Instruct-v0.1', llmSize: '8x7B', template: 'mistral_instruct', hd: true, benchmarks: b(71.9, 74.7, [1633, 356], 53.5, 40.0, 37.0, 43.1) },
  { name: 'MGM-34B-HD', baseLlm: 'Nous-Hermes-2-Yi-34B', llmSize: '34B', template: 'chatml_direct', hd: true, benchmarks: b(74.1, 80.6, [1659, 482], 59.3, 48.0, 44.9, 43.3) },
];

/** LR 336 / HR 768; HD: LR 672 cut 2x2 (336 each) plus a 336 global view / HR 1536. */
export const RELEASED_CHECKPOINTS: readonly ZooEntry[] = SPECS.map((s) => ({
  name: s.name,
  displayName: s.name,
  kind: 'released',
  architecture: 'mgm',
  baseLlm: s.baseLlm,
  llmSize: s.llmSize,
  template: s.template,
  hd: s.hd,
  image: s.hd
    ? { lrSize: 336, hrSize: 1536, grid: 2, globalView: true, tokensPerView: CLIP_336_TOKENS, visualTokens: 5 * CLIP_336_TOKENS }
    : { lrSize: 336, hrSize: 768, grid: 1, globalView: false, tokensPerView: CLIP_336_TOKENS, visualTokens: CLIP_336_TOKENS },
  folder: s.name,
  weights: `YanweiLi/${s.name}`,
  benchmarks: s.benchmarks,
  benchmarksSource: MGM_BENCHMARKS_SOURCE,
}));
