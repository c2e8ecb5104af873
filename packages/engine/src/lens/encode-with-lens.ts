import type * as ort from 'onnxruntime-node';
import { MINING_ATTENTION } from '../graph-contract.ts';
import { type PreprocessedImage, checkedFeatures, visionFeeds } from '../image-input.ts';
import type { Manifest } from '../manifest.ts';
import { buildLens, checkAttention } from './build-lens.ts';
import type { ImageLens } from './image-lens.ts';

/**
 * vision.onnx once, fetching image_features and, when the graph has it, mining_attention (an
 * mgm graph exported before the lens has none: the lens then says so). The lens itself (the
 * tensors turned back into pictures) is built when asked, after the answer, not before prefill.
 */
export async function encodeImageWithLens(
  session: Pick<ort.InferenceSession, 'run' | 'outputNames'>,
  img: PreprocessedImage,
  manifest: Manifest,
): Promise<{ features: Float32Array; lens: () => ImageLens }> {
  const withAttention = manifest.architecture === 'mgm' && session.outputNames.includes(MINING_ATTENTION);
  const out = await session.run(visionFeeds(img), withAttention ? ['image_features', MINING_ATTENTION] : ['image_features']);
  const features = checkedFeatures(out.image_features as ort.Tensor, manifest);
  const att = withAttention ? (out[MINING_ATTENTION] as ort.Tensor) : null;
  const attention = att ? { data: att.data as Float32Array, dims: att.dims } : null;
  if (attention) checkAttention(manifest, attention);
  return { features, lens: () => buildLens(manifest, img, attention) };
}
