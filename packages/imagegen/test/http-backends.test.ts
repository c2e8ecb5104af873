import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { isMgmError } from '@mgm/protocol';
import sharp from 'sharp';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { A1111Backend, OpenAiImagesBackend, SceneRenderer, attachGeneratedImage, createImageBackend, imageBackendEnvSchema } from '../src/index.ts';

interface Seen {
  method: string;
  url: string;
  auth: string | undefined;
  body: Record<string, unknown>;
}

// A loopback server that speaks both APIs: a solid picture of the requested size.
let server: Server;
let base: string;
let seen: Seen[] = [];
let mode: 'ok' | 'error' | 'garbage' = 'ok';

async function solidPng(width: number, height: number): Promise<string> {
  const png = await sharp({ create: { width, height, channels: 3, background: { r: 10, g: 200, b: 30 } } }).png().toBuffer();
  return png.toString('base64');
}

async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
  seen.push({ method: req.method ?? '', url: req.url ?? '', auth: req.headers.authorization, body });
  res.setHeader('content-type', 'application/json');
  if (mode === 'error') {
    res.statusCode = 500;
    res.end(JSON.stringify({ error: 'CUDA out of memory' }));
    return;
  }
  if (req.url === '/v1/images/generations') {
    const [w, h] = String(body.size).split('x').map(Number) as [number, number];
    res.end(JSON.stringify(mode === 'garbage' ? { data: [{ url: 'http://x' }] } : { created: 1, data: [{ b64_json: await solidPng(w, h) }] }));
  } else if (req.url === '/sdapi/v1/txt2img') {
    res.end(JSON.stringify({ images: [await solidPng(Number(body.width), Number(body.height))], parameters: body, info: '{}' }));
  } else {
    res.statusCode = 404;
    res.end('{"detail":"Not Found"}');
  }
}

beforeAll(async () => {
  server = createServer((req, res) => void handle(req, res));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise<void>((r) => server.close(() => r()));
});
beforeEach(() => {
  seen = [];
  mode = 'ok';
});

async function centre(png: Uint8Array): Promise<number[]> {
  const { data, info } = await sharp(png).raw().toBuffer({ resolveWithObject: true });
  const i = (Math.floor(info.height / 2) * info.width + Math.floor(info.width / 2)) * info.channels;
  return [...data.subarray(i, i + 3)];
}

describe('OpenAiImagesBackend', () => {
  it('POSTs {prompt, n: 1, size, response_format: b64_json} with the key and decodes the picture', async () => {
    const b = new OpenAiImagesBackend({ url: `${base}/`, apiKey: 'sk-test', model: 'sd-turbo' });
    const img = await b.generate('a red circle at the top left', { width: 256, height: 128 });
    expect(seen).toEqual([
      {
        method: 'POST',
        url: '/v1/images/generations',
        auth: 'Bearer sk-test',
        body: { prompt: 'a red circle at the top left', n: 1, size: '256x128', response_format: 'b64_json', model: 'sd-turbo' },
      },
    ]);
    expect(img).toMatchObject({ width: 256, height: 128, backend: 'openai-images' });
    expect(await centre(img.png)).toEqual([10, 200, 30]);
  });
  it('says what the server answered when it fails or answers without an image', async () => {
    mode = 'error';
    const b = new OpenAiImagesBackend({ url: base });
    const e1 = await b.generate('x').catch((e: unknown) => e);
    expect(isMgmError(e1) && e1.code).toBe('IMAGE_GEN_FAILED');
    expect((e1 as Error).message).toContain('500');
    expect((e1 as Error).message).toContain('CUDA out of memory');
    mode = 'garbage';
    const e2 = await b.generate('x').catch((e: unknown) => e);
    expect((e2 as Error).message).toContain('b64_json');
  });
  it('says it cannot reach a server that is not there', async () => {
    const e = await new OpenAiImagesBackend({ url: 'http://127.0.0.1:9' }).generate('x').catch((err: unknown) => err);
    expect(isMgmError(e) && e.code).toBe('IMAGE_GEN_FAILED');
    expect((e as Error).message).toContain('could not reach');
  });
});

describe('A1111Backend', () => {
  it('POSTs txt2img {prompt, width, height, steps} and decodes images[0]', async () => {
    const img = await new A1111Backend({ url: base, steps: 4 }).generate('a blue star', { width: 320, height: 192 });
    expect(seen[0]).toMatchObject({ url: '/sdapi/v1/txt2img', body: { prompt: 'a blue star', width: 320, height: 192, steps: 4 } });
    expect(img).toMatchObject({ width: 320, height: 192, backend: 'a1111' });
    expect(await centre(img.png)).toEqual([10, 200, 30]);
  });
});

describe('configuration from env', () => {
  it('defaults to the scene renderer and needs a URL for the HTTP backends', () => {
    expect(createImageBackend(imageBackendEnvSchema.parse({}))).toBeInstanceOf(SceneRenderer);
    expect(imageBackendEnvSchema.safeParse({ IMAGE_BACKEND: 'openai' }).success).toBe(false);
    expect(imageBackendEnvSchema.safeParse({ IMAGE_BACKEND: 'a1111', IMAGE_BACKEND_URL: 'ftp://x' }).success).toBe(false);
    const a = createImageBackend(imageBackendEnvSchema.parse({ IMAGE_BACKEND: 'a1111', IMAGE_BACKEND_URL: base, IMAGE_SIZE: '640x480' }));
    expect(a.name).toBe('a1111');
  });
  it('uses IMAGE_SIZE for the HTTP request', async () => {
    const b = createImageBackend(imageBackendEnvSchema.parse({ IMAGE_BACKEND: 'openai', IMAGE_BACKEND_URL: base, IMAGE_SIZE: '64x96' }));
    const img = await b.generate('x');
    expect(seen[0]?.body.size).toBe('64x96');
    expect([img.width, img.height]).toEqual([64, 96]);
  });
});

describe('attachGeneratedImage', () => {
  it('draws the <h>…</h> prompt of an answer', async () => {
    const g = await attachGeneratedImage('Sure, here it is. <h>a green square in the center</h>', new SceneRenderer());
    expect(g).toMatchObject({ status: 'ok', prompt: 'a green square in the center', backend: 'scene-renderer', width: 384 });
    expect(await centre(Buffer.from(g.pngBase64 as string, 'base64'))).toEqual([40, 170, 60]);
  });
  it('says so when the answer has no image prompt', async () => {
    const g = await attachGeneratedImage('A red circle.', new SceneRenderer());
    expect(g).toMatchObject({ status: 'no-prompt', prompt: null });
    expect(g.message).toContain('<h>');
    expect(g.pngBase64).toBeUndefined();
  });
  it('keeps the prompt and the reason when the backend fails', async () => {
    mode = 'error';
    const g = await attachGeneratedImage('<h>a cat</h>', new A1111Backend({ url: base }));
    expect(g).toMatchObject({ status: 'failed', prompt: 'a cat', backend: 'a1111' });
    expect(g.message).toContain('500');
  });
  it('scales a huge picture down to travel in the frame', async () => {
    const g = await attachGeneratedImage('<h>x</h>', new OpenAiImagesBackend({ url: base }), { width: 2048, height: 1024 });
    expect([g.width, g.height]).toEqual([1024, 512]);
  });
});
