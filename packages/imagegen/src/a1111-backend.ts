import { MgmError } from '@mgm/protocol';
import { z } from 'zod';
import { decodeBase64Image, postJson } from './http-image.ts';
import type { BackendImage, ImageBackend, ImageGenOptions } from './image-backend.ts';

const responseSchema = z.object({ images: z.array(z.string().min(1)).min(1) });

export interface A1111Options {
  /** Base URL: requests go to `${url}/sdapi/v1/txt2img`. */
  url: string;
  width?: number;
  height?: number;
  steps?: number;
  timeoutMs?: number;
}

/** AUTOMATIC1111's stable-diffusion-webui API (started with --api). */
export class A1111Backend implements ImageBackend {
  readonly name = 'a1111';

  constructor(private readonly opts: A1111Options) {}

  async generate(prompt: string, opts: ImageGenOptions = {}): Promise<BackendImage> {
    const width = opts.width ?? this.opts.width ?? 512;
    const height = opts.height ?? this.opts.height ?? 512;
    const url = `${this.opts.url.replace(/\/+$/u, '')}/sdapi/v1/txt2img`;
    const body = { prompt, width, height, steps: this.opts.steps ?? 20, batch_size: 1, n_iter: 1 };
    const json = await postJson(this.name, url, body, { timeoutMs: this.opts.timeoutMs ?? 300_000, signal: opts.signal });
    const parsed = responseSchema.safeParse(json);
    if (!parsed.success) throw new MgmError('IMAGE_GEN_FAILED', `${this.name}: ${url} answered without images[0]`);
    const img = await decodeBase64Image(this.name, parsed.data.images[0] as string);
    return { ...img, backend: this.name, note: `Drawn by the AUTOMATIC1111 server at ${this.opts.url} (txt2img).` };
  }
}
