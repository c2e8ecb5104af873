import * as ort from 'onnxruntime-node';
import { layerName } from '../src/graph-contract.ts';
import type { Manifest } from '../src/manifest.ts';
import type { ModelSessions } from '../src/sessions.ts';

/**
 * The decode loop with everything but onnxruntime stripped: no tokenizer, no logits
 * processors, no stopping criteria, no streamer; session.run + argmax, present fed back as past.
 * The engine's tokens/s divided by this loop's is the engine's own overhead.
 */
export async function bareGreedyDecode(
  sessions: Pick<ModelSessions, 'embed' | 'decoder'>,
  manifest: Manifest,
  promptEmbeds: Float32Array,
  promptLength: number,
  tokens: number,
): Promise<{ ids: number[]; decodeMs: number }> {
  const { llm, kv_cache: kv } = manifest;
  const past: string[] = [];
  const present: string[] = [];
  for (let i = 0; i < llm.num_layers; i++) {
    past.push(layerName(kv.past_key, i), layerName(kv.past_value, i));
    present.push(layerName(kv.present_key, i), layerName(kv.present_value, i));
  }
  const feeds: Record<string, ort.Tensor> = {};
  for (const name of past) feeds[name] = new ort.Tensor('float32', new Float32Array(0), [1, llm.num_kv_heads, 0, llm.head_dim]);
  const positions = BigInt64Array.from({ length: promptLength }, (_, i) => BigInt(i));
  feeds.inputs_embeds = new ort.Tensor('float32', promptEmbeds, [1, promptLength, llm.hidden_size]);
  feeds.position_ids = new ort.Tensor('int64', positions, [1, promptLength]);
  feeds.attention_mask = new ort.Tensor('int64', new BigInt64Array(promptLength).fill(1n), [1, promptLength]);
  let out = await sessions.decoder.run(feeds);
  let length = promptLength;
  const ids: number[] = [argmaxLast(out.logits as ort.Tensor)];
  const t0 = performance.now();
  while (ids.length < tokens) {
    for (let i = 0; i < past.length; i++) feeds[past[i] as string] = out[present[i] as string] as ort.Tensor;
    const e = await sessions.embed.run({ input_ids: new ort.Tensor('int64', new BigInt64Array([BigInt(ids.at(-1) as number)]), [1, 1]) });
    feeds.inputs_embeds = e.inputs_embeds as ort.Tensor;
    feeds.position_ids = new ort.Tensor('int64', new BigInt64Array([BigInt(length)]), [1, 1]);
    length += 1;
    feeds.attention_mask = new ort.Tensor('int64', new BigInt64Array(length).fill(1n), [1, length]);
    out = await sessions.decoder.run(feeds);
    ids.push(argmaxLast(out.logits as ort.Tensor));
  }
  return { ids, decodeMs: performance.now() - t0 };
}

function argmaxLast(logits: ort.Tensor): number {
  const [, s, v] = logits.dims as [number, number, number];
  const data = logits.data as Float32Array;
  let best = 0;
  let bestScore = -Infinity;
  for (let i = 0, o = (s - 1) * v; i < v; i++) {
    if ((data[o + i] as number) > bestScore) {
      bestScore = data[o + i] as number;
      best = i;
    }
  }
  return best;
}
