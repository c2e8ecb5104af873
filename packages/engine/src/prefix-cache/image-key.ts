import { createHash } from 'node:crypto';
import type { ImageMode } from '@mgm/protocol';
import { type ImageInput, isPreprocessedImage } from '../image-input.ts';

/**
 * The identity of an image as the vision graph would see it: a sha256 of what was given (the
 * encoded bytes, the decoded pixels, or the ready tensors) and the preprocessing mode, which
 * changes the tensors for the same bytes.
 */
export function imageKey(image: ImageInput, mode: ImageMode | undefined): string {
  const hash = createHash('sha256');
  if (image instanceof Uint8Array) {
    hash.update('bytes:').update(image);
  } else if (isPreprocessedImage(image)) {
    hash.update(`tensors:${image.imagesDims.join('x')}:`).update(bytesOf(image.images));
    if (image.imagesAux) hash.update(`aux:${image.imagesAuxDims?.join('x')}:`).update(bytesOf(image.imagesAux));
  } else {
    hash.update(`pixels:${image.width}x${image.height}:`).update(image.data);
  }
  // Ready tensors were preprocessed already: the mode does not apply to them.
  const modePart = isPreprocessedImage(image) ? '' : `:${mode ?? 'default'}`;
  return `${hash.digest('hex')}${modePart}`;
}

function bytesOf(a: Float32Array): Uint8Array {
  return new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
}
