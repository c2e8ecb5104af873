import type { VisionApi } from './image-input.ts';

interface VisionModule {
  decodeImage(bytes: Uint8Array): Promise<never>;
  imageSpecSchema: { parse(x: unknown): unknown };
  preprocess(decoded: never, spec: never, mode?: never): Promise<never>;
}

/** @mgm/vision behind the engine's VisionApi. */
export async function loadVision(): Promise<VisionApi> {
  const specifier = '@mgm/vision';
  const v = (await import(specifier)) as VisionModule;
  return {
    decodeImage: (bytes) => v.decodeImage(bytes),
    parseSpec: (image) => v.imageSpecSchema.parse(image),
    preprocess: (decoded, spec, mode) => v.preprocess(decoded as never, spec as never, mode as never),
  };
}
