import { MgmError } from '@mgm/protocol';
import type { ImageMode } from '@mgm/protocol';
import * as ort from 'onnxruntime-node';
import type { Manifest } from './manifest.ts';

/** Tensors ready for vision.onnx, as @mgm/vision's preprocess() returns them. */
export interface PreprocessedImage {
  images: Float32Array;
  imagesDims: readonly number[];
  imagesAux: Float32Array | null;
  imagesAuxDims: readonly number[] | null;
  timingsMs?: { total: number };
}

/** A decoded image as @mgm/vision's decodeImage() returns it (RGB, HWC). */
export interface DecodedImageLike {
  data: Uint8Array;
  width: number;
  height: number;
}

/** What the engine needs from @mgm/vision. */
export interface VisionApi {
  decodeImage(bytes: Uint8Array): Promise<DecodedImageLike>;
  /** Validates the manifest's `image` block as the preprocessor's spec. */
  parseSpec(image: unknown): unknown;
  preprocess(decoded: DecodedImageLike, spec: unknown, mode?: ImageMode): Promise<PreprocessedImage>;
}

export type ImageInput = Uint8Array | DecodedImageLike | PreprocessedImage;

export function isPreprocessedImage(x: ImageInput): x is PreprocessedImage {
  return !(x instanceof Uint8Array) && 'images' in x && x.images instanceof Float32Array;
}

function sameDims(a: readonly number[] | null, b: readonly number[] | null): boolean {
  if (a === null || b === null) return a === b;
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

/** Checks preprocessed tensors against the checkpoint's image spec. */
export function assertImageTensors(img: PreprocessedImage, manifest: Manifest): void {
  const s = manifest.image;
  const want = [1, s.views, 3, s.lr_size, s.lr_size];
  const wantAux = manifest.architecture === 'mgm' && s.hr_size !== null ? [1, 3, s.hr_size, s.hr_size] : null;
  const problems: string[] = [];
  if (!sameDims(img.imagesDims, want)) problems.push(`images is [${img.imagesDims.join(',')}], expected [${want.join(',')}]`);
  if (img.images.length !== want.reduce((a, b) => a * b, 1)) problems.push('images has the wrong element count');
  if (!sameDims(img.imagesAuxDims, wantAux)) {
    problems.push(`images_aux is ${img.imagesAuxDims ? `[${img.imagesAuxDims.join(',')}]` : 'absent'}, expected ${wantAux ? `[${wantAux.join(',')}]` : 'none'}`);
  } else if (wantAux && img.imagesAux?.length !== wantAux.reduce((a, b) => a * b, 1)) {
    problems.push('images_aux has the wrong element count');
  }
  if (problems.length > 0) {
    throw new MgmError('IMAGE_INVALID', `image tensors do not fit checkpoint ${manifest.name}: ${problems.join('; ')}`);
  }
}

/** The vision graph's inputs for preprocessed tensors. */
export function visionFeeds(img: PreprocessedImage): Record<string, ort.Tensor> {
  const feeds: Record<string, ort.Tensor> = { images: new ort.Tensor('float32', img.images, [...img.imagesDims]) };
  if (img.imagesAux && img.imagesAuxDims) feeds.images_aux = new ort.Tensor('float32', img.imagesAux, [...img.imagesAuxDims]);
  return feeds;
}

/** The image_features output checked against the manifest: [visual_tokens * hidden]. */
export function checkedFeatures(features: ort.Tensor, manifest: Manifest): Float32Array {
  const want = [1, manifest.image.visual_tokens, manifest.llm.hidden_size];
  if (!sameDims(features.dims, want)) {
    throw new MgmError(
      'GRAPH_MISMATCH',
      `vision graph returned image_features [${features.dims.join(',')}], expected [${want.join(',')}]`,
    );
  }
  return features.data as Float32Array;
}

/** Runs vision.onnx: [visual_tokens * hidden] LLM-width embeddings. */
export async function encodeImage(
  session: Pick<ort.InferenceSession, 'run'>,
  img: PreprocessedImage,
  manifest: Manifest,
): Promise<Float32Array> {
  // only the features: an optional output (the lens's mining_attention) is not copied out
  const out = await session.run(visionFeeds(img), ['image_features']);
  return checkedFeatures(out.image_features as ort.Tensor, manifest);
}
