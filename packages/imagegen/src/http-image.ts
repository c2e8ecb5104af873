import { MgmError } from '@mgm/protocol';
import sharp from 'sharp';

/** POSTs JSON to an image server; errors say which server and what it answered. */
export async function postJson(
  backend: string,
  url: string,
  body: unknown,
  opts: { apiKey?: string; timeoutMs: number; signal?: AbortSignal },
): Promise<unknown> {
  const signals = [AbortSignal.timeout(opts.timeoutMs), ...(opts.signal ? [opts.signal] : [])];
  let res: Response;
  try {
    res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(opts.apiKey ? { authorization: `Bearer ${opts.apiKey}` } : {}) },
      body: JSON.stringify(body),
      signal: AbortSignal.any(signals),
    });
  } catch (e) {
    throw new MgmError('IMAGE_GEN_FAILED', `${backend}: could not reach ${url}: ${(e as Error).message}`, { cause: e });
  }
  const text = await res.text();
  if (!res.ok) {
    throw new MgmError('IMAGE_GEN_FAILED', `${backend}: ${url} answered ${res.status}: ${text.slice(0, 300)}`, {
      details: { status: res.status },
    });
  }
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new MgmError('IMAGE_GEN_FAILED', `${backend}: ${url} answered something that is not JSON: ${text.slice(0, 200)}`);
  }
}

/** Base64 image bytes from a server, checked and given back as PNG with their size. */
export async function decodeBase64Image(backend: string, b64: string): Promise<{ png: Uint8Array; width: number; height: number }> {
  const bytes = Buffer.from(b64.replace(/^data:image\/[a-z]+;base64,/u, ''), 'base64');
  try {
    const { data, info } = await sharp(bytes, { failOn: 'error' }).png().toBuffer({ resolveWithObject: true });
    return { png: new Uint8Array(data), width: info.width, height: info.height };
  } catch (e) {
    throw new MgmError('IMAGE_GEN_FAILED', `${backend}: the server's image is not a picture: ${(e as Error).message}`);
  }
}
