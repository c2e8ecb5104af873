import { readFile } from 'node:fs/promises';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import { z } from 'zod';

const tensorSchema = z.object({ dims: z.array(z.number().int().nonnegative()), data: z.array(z.number()) });
/** What `python3 -m export_mgm --reference FILE` writes: PyTorch's outputs on fixed inputs. */
export const exportReferenceSchema = z.object({
  images: tensorSchema,
  images_aux: tensorSchema.optional(),
  input_ids: tensorSchema,
  image_features: tensorSchema,
  inputs_embeds: tensorSchema,
  prefill_logits: tensorSchema,
  step_logits: tensorSchema,
});
export type ExportReference = z.infer<typeof exportReferenceSchema>;

export interface ExportCheck {
  /** max |onnx - torch| / max |torch| per output. */
  imageFeatures: number;
  inputsEmbeds: number;
  prefillLogits: number;
  /** One decoder step fed the prefill's KV cache: checks the cache contract too. */
  stepLogits: number;
}

function maxRelativeError(expected: number[], actual: Float32Array): number {
  if (expected.length !== actual.length) return Number.POSITIVE_INFINITY;
  let scale = 0;
  let worst = 0;
  for (const v of expected) scale = Math.max(scale, Math.abs(v));
  for (let i = 0; i < expected.length; i++) worst = Math.max(worst, Math.abs((expected[i] as number) - (actual[i] as number)));
  return worst / (scale || 1);
}

const f32 = (t: z.infer<typeof tensorSchema>) => new ort.Tensor('float32', Float32Array.from(t.data), t.dims);
const i64 = (values: number[], dims: number[]) => new ort.Tensor('int64', BigInt64Array.from(values.map(BigInt)), dims);

/**
 * Runs an exported folder's fp32 graphs (or a variant's) on the reference inputs with
 * onnxruntime-node and compares with PyTorch's outputs. Used by the exporter's test and, on a GPU
 * host, by `npm run check-export -w @mgm/model-zoo -- <folder> <reference.json>`.
 */
export async function checkExport(dir: string, reference: ExportReference, dtype = 'fp32'): Promise<ExportCheck> {
  const manifest = JSON.parse(await readFile(path.join(dir, 'mgm.json'), 'utf8'));
  const files = dtype === 'fp32' ? manifest.files : manifest.variants?.[dtype];
  if (!files) throw new Error(`${dir} has no ${dtype} graphs`);
  const { num_layers: layers, num_kv_heads: kvHeads, head_dim: headDim } = manifest.llm;
  const pastKey = (i: number, kind: 'key' | 'value', side: 'past' | 'present') =>
    (side === 'past' ? manifest.kv_cache[`past_${kind}`] : manifest.kv_cache[`present_${kind}`]).replaceAll('{layer}', String(i));
  const open = (f: string) => ort.InferenceSession.create(path.join(dir, f));
  const [vision, embed, decoder] = [await open(files.vision), await open(files.embed), await open(files.decoder)];
  try {
    const feeds: Record<string, ort.Tensor> = { images: f32(reference.images) };
    if (reference.images_aux) feeds.images_aux = f32(reference.images_aux);
    const features = (await vision.run(feeds)).image_features as ort.Tensor;
    const ids = reference.input_ids;
    const seq = ids.dims[1] as number;
    const embeds = (await embed.run({ input_ids: i64(ids.data, ids.dims) })).inputs_embeds as ort.Tensor;
    const prefill: Record<string, ort.Tensor> = {
      inputs_embeds: embeds,
      attention_mask: i64(new Array(seq).fill(1), [1, seq]),
      position_ids: i64([...Array(seq).keys()], [1, seq]),
    };
    for (let i = 0; i < layers; i++) {
      for (const kind of ['key', 'value'] as const) {
        prefill[pastKey(i, kind, 'past')] = new ort.Tensor('float32', new Float32Array(0), [1, kvHeads, 0, headDim]);
      }
    }
    const first = await decoder.run(prefill);
    const stepEmbeds = (await embed.run({ input_ids: i64([ids.data[0] as number], [1, 1]) })).inputs_embeds as ort.Tensor;
    const step: Record<string, ort.Tensor> = {
      inputs_embeds: stepEmbeds,
      attention_mask: i64(new Array(seq + 1).fill(1), [1, seq + 1]),
      position_ids: i64([seq], [1, 1]),
    };
    for (let i = 0; i < layers; i++) {
      for (const kind of ['key', 'value'] as const) step[pastKey(i, kind, 'past')] = first[pastKey(i, kind, 'present')] as ort.Tensor;
    }
    const second = await decoder.run(step);
    return {
      imageFeatures: maxRelativeError(reference.image_features.data, features.data as Float32Array),
      inputsEmbeds: maxRelativeError(reference.inputs_embeds.data, embeds.data as Float32Array),
      prefillLogits: maxRelativeError(reference.prefill_logits.data, first.logits?.data as Float32Array),
      stepLogits: maxRelativeError(reference.step_logits.data, second.logits?.data as Float32Array),
    };
  } finally {
    await Promise.all([vision.release(), embed.release(), decoder.release()]);
  }
}

export async function readExportReference(file: string): Promise<ExportReference> {
  return exportReferenceSchema.parse(JSON.parse(await readFile(file, 'utf8')));
}
