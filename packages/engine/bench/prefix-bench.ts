/**
 * npm run bench:prefix [-- --json --conversations 8 --model mgm-tiny-hd --threads 1]
 *
 * Time to first token of turns 1–3 of a chat about one image, with the prefix cache on and off:
 * two copies of the checkpoint (one with prefixCacheTokens 0), each conversation run on both
 * back to back so both see the same machine load. Each conversation is about another image of
 * models/eval/images (turn 1 is cold for the image; only the template's system prompt can hit).
 * Turn n resends the whole conversation, as a chat does: questions 1..n and the model's answers.
 * Greedy answers must be the same ids on both (checked: the bench fails otherwise).
 * With --json every line is JSON; the last one has the medians and `ttft_speedup_turn3` (off ÷ on).
 */
import { readdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { pino } from 'pino';
import { type GenerationResult, type MgmModel, loadModel } from '../src/index.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const QUESTIONS = ['What is in the image?', 'How many shapes are there?', 'What colour is the largest shape?'];

const { values } = parseArgs({
  options: {
    json: { type: 'boolean', default: false },
    conversations: { type: 'string', default: '8' },
    model: { type: 'string', default: 'mgm-tiny-hd' },
    threads: { type: 'string', default: '1' },
    tokens: { type: 'string', default: '16' },
  },
});
const CONVERSATIONS = Number(values.conversations);
const THREADS = Number(values.threads);
const MAX_TOKENS = Number(values.tokens);

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
};
const round = (x: number, d = 2): number => Math.round(x * 10 ** d) / 10 ** d;
const print = (human: string, json: object) => console.log(values.json ? JSON.stringify(json) : human);

type Message = { role: 'user' | 'assistant'; content: string };

/** One conversation of three turns on one model; the TTFT and result of each turn. */
async function converse(model: MgmModel, image: Uint8Array): Promise<GenerationResult[]> {
  const messages: Message[] = [];
  const results: GenerationResult[] = [];
  for (const q of QUESTIONS) {
    messages.push({ role: 'user', content: q });
    const r = await model.generate({ messages: [...messages], image, params: { temperature: 0, maxNewTokens: MAX_TOKENS } }).result;
    results.push(r);
    messages.push({ role: 'assistant', content: r.text });
  }
  return results;
}

async function main(): Promise<void> {
  const dir = path.join(ROOT, 'models', values.model);
  const logger = pino({ level: 'warn' });
  const on = await loadModel(dir, { logger, intraOpThreads: THREADS });
  const off = await loadModel(dir, { logger, intraOpThreads: THREADS, prefixCacheTokens: 0 });
  const imagesDir = path.join(ROOT, 'models/eval/images');
  const files = readdirSync(imagesDir).filter((f) => f.endsWith('.png')).sort();
  // Warm-up on an image no conversation uses (onnxruntime's first runs allocate).
  await converse(on, new Uint8Array(await readFile(path.join(imagesDir, files.at(-1) as string))));
  await converse(off, new Uint8Array(await readFile(path.join(imagesDir, files.at(-1) as string))));

  const ttft = { on: [[], [], []] as number[][], off: [[], [], []] as number[][] };
  const ratios: number[][] = [[], [], []];
  for (let c = 0; c < CONVERSATIONS; c++) {
    const image = new Uint8Array(await readFile(path.join(imagesDir, files[c % (files.length - 1)] as string)));
    // Alternate which goes first, so neither always runs on the warmer caches.
    let withCache: GenerationResult[];
    let without: GenerationResult[];
    if (c % 2 === 0) {
      withCache = await converse(on, image);
      without = await converse(off, image);
    } else {
      without = await converse(off, image);
      withCache = await converse(on, image);
    }
    for (let t = 0; t < 3; t++) {
      const x = withCache[t] as GenerationResult;
      const y = without[t] as GenerationResult;
      if (x.outputIds.join() !== y.outputIds.join()) {
        throw new Error(`conversation ${c} turn ${t + 1}: greedy ids differ with the cache (${x.outputIds}) and without (${y.outputIds})`);
      }
      ttft.on[t]!.push(x.timingsMs.ttft);
      ttft.off[t]!.push(y.timingsMs.ttft);
      ratios[t]!.push(y.timingsMs.ttft / x.timingsMs.ttft);
      print(
        `conversation ${c} turn ${t + 1}: TTFT ${round(y.timingsMs.ttft)} ms off, ${round(x.timingsMs.ttft)} ms on (${x.cachedPromptTokens ?? 0} of ${x.tokens.prompt + x.tokens.visual} prompt positions cached, vision ${round(x.timingsMs.vision)} ms)`,
        { conversation: c, turn: t + 1, ttft_ms_off: round(y.timingsMs.ttft), ttft_ms_on: round(x.timingsMs.ttft), cached_positions: x.cachedPromptTokens ?? 0, prompt_positions: x.tokens.prompt + x.tokens.visual },
      );
    }
  }
  const stats = on.batchStats().prefixCache;
  const summary = {
    model: values.model,
    conversations: CONVERSATIONS,
    intra_op_threads: THREADS,
    cpus: os.cpus().length,
    loadavg_1m: round(os.loadavg()[0] as number),
    ttft_ms_off: ttft.off.map((xs) => round(median(xs))),
    ttft_ms_on: ttft.on.map((xs) => round(median(xs))),
    ttft_speedup_turn1: round(median(ttft.off[0]!) / median(ttft.on[0]!)),
    ttft_speedup_turn2: round(median(ttft.off[1]!) / median(ttft.on[1]!)),
    ttft_speedup_turn3: round(median(ttft.off[2]!) / median(ttft.on[2]!)),
    pair_ratio_median_turn3: round(median(ratios[2]!)),
    cache: { hits: stats.hits, lookups: stats.lookups, reused_tokens: stats.reusedTokens, prompt_tokens: stats.promptTokens, image_hits: stats.imageHits, image_lookups: stats.imageLookups, bytes: stats.bytes, entries: stats.entries },
    greedy_ids_identical: true,
  };
  print(
    `${values.model}, ${CONVERSATIONS} conversations, load ${summary.loadavg_1m} on ${summary.cpus} CPUs: median TTFT turns 1-3 off ${summary.ttft_ms_off.join(' / ')} ms, on ${summary.ttft_ms_on.join(' / ')} ms; turn 3 speedup ${summary.ttft_speedup_turn3}x (median of pair ratios ${summary.pair_ratio_median_turn3}x)`,
    summary,
  );
  await on.close();
  await off.close();
}

await main();
