import { MgmError } from '@mgm/protocol';
import type { PreprocessedImage } from '../image-input.ts';
import type { Manifest } from '../manifest.ts';
import type { ImageLens, LensRegion, LensView } from './image-lens.ts';
import { tensorToPicture } from './tensor-picture.ts';

/**
 * The LLM's view order and the tensor's: `images` holds the HD crops row-major then the global
 * view, while the LLM (and mining_attention) reads the global view first. One view: `whole`.
 */
export function lensViewOrder(manifest: Manifest): { name: string; tensorIndex: number; crop: [number, number] | null }[] {
  const { grid, global_view: globalView } = manifest.image;
  if (grid === 1) return [{ name: 'whole', tensorIndex: 0, crop: null }];
  const crops = Array.from({ length: grid * grid }, (_, k) => ({
    name: `crop${k}`,
    tensorIndex: k,
    crop: [Math.floor(k / grid), k % grid] as [number, number],
  }));
  return globalView ? [{ name: 'global', tensorIndex: grid * grid, crop: null }, ...crops] : crops;
}

/**
 * The lens of one image: the preprocessed tensors turned back into pictures, and the mining
 * attention checked against the manifest. `attention` is the vision graph's mining_attention
 * output ([1, views, N, M]), or null when the graph has none.
 */
export function buildLens(
  manifest: Manifest,
  img: PreprocessedImage,
  attention: { data: Float32Array; dims: readonly number[] } | null,
): ImageLens {
  const s = manifest.image;
  const grid = Math.round(Math.sqrt(s.tokens_per_view));
  const lrPlane = 3 * s.lr_size * s.lr_size;
  const hrSize = manifest.architecture === 'mgm' ? s.hr_size : null;
  const views: LensView[] = lensViewOrder(manifest).map((v) => ({
    name: v.name,
    lr: tensorToPicture(img.images, v.tensorIndex * lrPlane, s.lr_size, s.mean, s.std),
    hrRegion: hrSize === null ? null : regionOf(v.crop, s.grid, hrSize),
  }));
  const hr = hrSize !== null && img.imagesAux ? tensorToPicture(img.imagesAux, 0, hrSize, s.mean, s.std) : null;
  const base = { architecture: manifest.architecture, lrSize: s.lr_size, hrSize, grid, views, hr };
  if (manifest.architecture !== 'mgm') return { ...base, window: null, attention: null };
  if (attention === null) {
    return {
      ...base,
      window: null,
      attention: null,
      missing: `the vision graph of ${manifest.name} was exported without the mining_attention output: re-export it to see where the mining looked`,
    };
  }
  return { ...base, window: checkAttention(manifest, attention), attention: attention.data };
}

/** Throws GRAPH_MISMATCH unless mining_attention is [1, views, tokens_per_view, p*p]; returns p. */
export function checkAttention(manifest: Manifest, attention: { dims: readonly number[] }): number {
  const s = manifest.image;
  const [b, v, n, m] = attention.dims;
  const window = Math.round(Math.sqrt(m ?? 0));
  if (attention.dims.length !== 4 || b !== 1 || v !== s.views || n !== s.tokens_per_view || window < 1 || window * window !== m) {
    throw new MgmError(
      'GRAPH_MISMATCH',
      `vision graph returned mining_attention [${attention.dims.join(',')}], expected [1,${s.views},${s.tokens_per_view},p*p]`,
    );
  }
  return window;
}

function regionOf(crop: [number, number] | null, grid: number, hrSize: number): LensRegion {
  if (crop === null) return { x: 0, y: 0, size: hrSize };
  const size = hrSize / grid;
  return { x: crop[1] * size, y: crop[0] * size, size };
}
