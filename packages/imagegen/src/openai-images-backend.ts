import { MgmError } from '@mgm/protocol';
import { z } from 'zod';
import { decodeBase64Image, postJson } from './http-image.ts';
import type { BackendImage, ImageBackend, ImageGenOptions } from './image-backend.ts';

const responseSchema = z.object({ data: z.array(z.object({ b64_json: z.string().min(1) })).min(1) });

export interface OpenAiImagesOptions {
  /** Base URL: requests go to `${url}/v1/images/generations`. */
  url: string;
  apiKey?: string;
  model?: string;
  width?: number;
  height?: number;
  timeoutMs?: number;
}

/** A server speaking the OpenAI images API (OpenAI itself, LocalAI, and other local servers). */
export class OpenAiImagesBackend implements ImageBackend {
  readonly name = 'openai-images';

  constructor(private readonly opts: OpenAiImagesOptions) {}

  async generate(prompt: string, opts: ImageGenOptions = {}): Promise<BackendImage> {
    const width = opts.width ?? this.opts.width ?? 512;
    const height = opts.height ?? this.opts.height ?? 512;
    const url = `${this.opts.url.replace(/\/+$/u, '')}/v1/images/generations`;
    const body = { prompt, n: 1, size: `${width}x${height}`, response_format: 'b64_json', ...(this.opts.model ? { model: this.opts.model } : {}) };
    const json = await postJson(this.name, url, body, { apiKey: this.opts.apiKey, timeoutMs: this.opts.timeoutMs ?? 120_000, signal: opts.signal });
    const parsed = responseSchema.safeParse(json);
    if (!parsed.success) throw new MgmError('IMAGE_GEN_FAILED', `${this.name}: ${url} answered without data[0].b64_json`);
    const img = await decodeBase64Image(this.name, (parsed.data.data[0] as { b64_json: string }).b64_json);
    return { ...img, backend: this.name, note: `Drawn by the image server at ${this.opts.url} (OpenAI images API${this.opts.model ? `, model ${this.opts.model}` : ''}).` };
  }
}
