import { MgmError } from '@mgm/protocol';
import { clipGeometry } from './clip-geometry.ts';
import { imageSpecSchema, processModeSchema, type ImageSpec, type ProcessMode } from './image-spec.ts';
import type { RgbImage } from './image-types.ts';
import { ImageKernels, type ResampleSource, type ResampleTarget } from './wasm-kernels.ts';

/** The vision graph's inputs for one image (batch 1). */
export interface PreparedImage {
  /** LR views `[1, views, 3, lr, lr]`; HD: `[crop0..crop(grid*grid-1), global]`, crops row-major. */
  images: Float32Array;
  imagesDims: [1, number, 3, number, number];
  /** HR image `[1, 3, hr, hr]`; null for architecture llava (hr_size null). */
  imagesAux: Float32Array | null;
  imagesAuxDims: [1, 3, number, number] | null;
  timingsMs: PreprocessTimings;
}

export interface PreprocessTimings {
  /** Pillow-exact pad/resize/centre crop and the normalisation to float32 CHW. */
  clip: number;
  /** The LR tensor (bilinear from the HR tensor), HD crops and global view, copies out. */
  views: number;
  total: number;
}

/**
 * MGM's preprocessing (models/README.md "Image preprocessing"). Holds the WebAssembly kernels
 * and their memory: build one per worker and reuse it. Not for concurrent use from several
 * threads; calls on one thread never interleave (each is synchronous inside).
 */
export class Preprocessor {
  constructor(private readonly kernels: ImageKernels = new ImageKernels()) {}

  async preprocess(image: RgbImage, spec: ImageSpec, mode?: ProcessMode): Promise<PreparedImage> {
    return this.run(image, spec, mode);
  }

  /** The synchronous core of `preprocess`. */
  run(image: RgbImage, specInput: ImageSpec, modeInput?: ProcessMode): PreparedImage {
    const t0 = performance.now();
    const spec = parseSpec(specInput);
    const plan = planClip(image, spec, modeInput);
    const k = this.kernels;
    k.reset();
    const hr = k.resizeToTensor(plan.source, plan.target, spec.mean, spec.std).tensor;
    const t1 = performance.now();
    const size = plan.size;
    const lr = spec.lr_size;
    const grid = spec.grid;
    const whole = lr * grid;
    // mgm: the LR image is the HR tensor bilinearly resized; llava: the processor ran at LR size.
    const lrWhole = spec.hr_size !== null ? k.bilinear(hr, 3, size, size, whole, whole) : hr;
    let views = lrWhole;
    if (grid >= 2) {
      views = k.crops(lrWhole, lr, grid, spec.global_view ? 1 : 0);
      if (spec.global_view) k.bilinear(lrWhole, 3, whole, whole, lr, lr, views.ptr + grid * grid * 3 * lr * lr * 4);
    }
    const images = k.read(views);
    const imagesAux = spec.hr_size !== null ? k.read(hr) : null;
    k.reset();
    const t2 = performance.now();
    return {
      images,
      imagesDims: [1, spec.views, 3, lr, lr],
      imagesAux,
      imagesAuxDims: imagesAux ? [1, 3, size, size] : null,
      timingsMs: { clip: t1 - t0, views: t2 - t1, total: t2 - t0 },
    };
  }

  /** The uint8 HWC pixels the CLIP step normalises (after pad/resize, resize, centre crop). */
  clipPixels(image: RgbImage, specInput: ImageSpec, modeInput?: ProcessMode): RgbImage {
    const spec = parseSpec(specInput);
    const plan = planClip(image, spec, modeInput);
    return this.kernels.resize(plan.source, plan.target);
  }
}

/** One-off preprocessing (allocates the kernels' memory each call: reuse a `Preprocessor` on hot paths). */
export async function preprocess(image: RgbImage, spec: ImageSpec, mode?: ProcessMode): Promise<PreparedImage> {
  return new Preprocessor().run(image, spec, mode);
}

function parseSpec(spec: ImageSpec): ImageSpec {
  const parsed = imageSpecSchema.safeParse(spec);
  if (!parsed.success) {
    throw new MgmError('MANIFEST_INVALID', `The checkpoint's image settings are invalid: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  }
  return parsed.data;
}

interface ClipPlan {
  source: ResampleSource;
  target: ResampleTarget;
  size: number;
}

function planClip(image: RgbImage, spec: ImageSpec, modeInput: ProcessMode | undefined): ClipPlan {
  const mode = processModeSchema.safeParse(modeInput ?? spec.process_mode);
  if (!mode.success) {
    throw new MgmError('BAD_REQUEST', `Unknown image process mode "${String(modeInput)}"; use pad, crop, resize or default.`);
  }
  const { width, height } = image;
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1 || image.data.length !== width * height * 3) {
    throw new MgmError('IMAGE_INVALID', `The image buffer does not hold ${width}x${height} RGB pixels.`);
  }
  // The CLIP processor runs at the HR size (mgm) or directly at the LR size x grid (llava).
  const size = spec.hr_size ?? spec.lr_size * spec.grid;
  const filter = spec.resample;
  switch (mode.data) {
    case 'pad': {
      const side = Math.max(width, height);
      const g = clipGeometry(side, side, size);
      return { source: { image, pad: { side, color: spec.pad_color } }, target: { width: g.resizeWidth, height: g.resizeHeight, filter, crop: g.crop }, size };
    }
    case 'resize':
      // MGM resizes to 336x336 and lets the processor resample again; one resize straight to the
      // processor's square gives the same geometry without the second resampling.
      return { source: { image }, target: { width: size, height: size, filter }, size };
    case 'crop':
    case 'default': {
      const g = clipGeometry(width, height, size);
      return { source: { image }, target: { width: g.resizeWidth, height: g.resizeHeight, filter, crop: g.crop }, size };
    }
  }
}
