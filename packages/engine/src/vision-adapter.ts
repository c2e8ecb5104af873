import { MgmError } from '@mgm/protocol';
import { type ImageSpec, Preprocessor, decodeImage, imageSpecSchema } from '@mgm/vision';
import type { VisionApi } from './image-input.ts';

/**
 * @mgm/vision behind the engine's VisionApi, with one Preprocessor (its WebAssembly kernels and
 * memory) per loaded model. Image mode `default` means the checkpoint's own process_mode.
 */
export function createVision(): VisionApi {
  const preprocessor = new Preprocessor();
  return {
    decodeImage: (bytes) => decodeImage(bytes),
    parseSpec: (image) => {
      const spec = imageSpecSchema.safeParse(image);
      if (!spec.success) {
        const why = spec.error.issues.map((i) => `image.${i.path.join('.')}: ${i.message}`).join('; ');
        throw new MgmError('MANIFEST_INVALID', `the manifest's image block is not a valid image spec: ${why}`);
      }
      return spec.data;
    },
    preprocess: (decoded, spec, mode) =>
      preprocessor.preprocess(decoded, spec as ImageSpec, mode === 'default' ? undefined : mode),
  };
}
