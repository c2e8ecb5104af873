import type { ImageLensWire, LensPng } from '@mgm/protocol';
import type { ImageLens, LensPicture } from './image-lens.ts';
import { encodePng } from './png-encode.ts';

function png(p: LensPicture): LensPng {
  return { width: p.width, height: p.height, pngBase64: encodePng(p).toString('base64') };
}

/** The lens as JSON for the API (@mgm/protocol's imageLensSchema): PNGs, attention to 6 decimals. */
export function lensToWire(lens: ImageLens, ids: { jobId: string; model: string }): ImageLensWire {
  return {
    jobId: ids.jobId,
    model: ids.model,
    architecture: lens.architecture,
    lrSize: lens.lrSize,
    hrSize: lens.hrSize,
    grid: lens.grid,
    window: lens.window,
    views: lens.views.map((v) => ({ name: v.name, lr: png(v.lr), hrRegion: v.hrRegion })),
    hr: lens.hr ? png(lens.hr) : null,
    attention: lens.attention ? Array.from(lens.attention, (w) => Math.round(w * 1e6) / 1e6) : null,
    ...(lens.missing !== undefined ? { missing: lens.missing } : {}),
  };
}
