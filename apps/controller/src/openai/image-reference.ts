import type { Redis } from 'ioredis';
import { MgmError, imageIdSchema, type RedisKeys } from '@mgm/protocol';
import type { ImageStore } from '../image-store.ts';
import { fetchImage } from './image-fetch.ts';
import { invalidRequest } from './openai-error.ts';
import type { ImageReference } from './chat-request.ts';

/** The URL form of an image already uploaded with `POST /api/images`: `mgm-image:<imageId>`. */
export const PLATFORM_IMAGE_SCHEME = 'mgm-image:';

export interface ImageReferenceDeps {
  redis: Redis;
  keys: RedisKeys;
  images: ImageStore;
  maxUploadBytes: number;
  /** Operator setting: fetch http(s) image URLs (public addresses only). */
  fetchRemote: boolean;
  fetchTimeoutMs: number;
}

const DATA_URL = /^data:([^;,]*)((?:;[^;,]*)*),(.*)$/s;

/**
 * Turns a chat image URL into a stored image id: a `data:` URL (base64) goes through the same
 * decode and limits as an upload; `mgm-image:<id>` names an upload; an http(s) URL is fetched
 * only when the operator enabled it.
 */
export async function resolveImage(deps: ImageReferenceDeps, ref: ImageReference): Promise<string> {
  const url = ref.url.trim();
  if (url.startsWith('data:')) return deps.images.put(decodeDataUrl(url, deps.maxUploadBytes, ref.param)).then((r) => r.imageId);
  if (url.startsWith(PLATFORM_IMAGE_SCHEME)) {
    const id = url.slice(PLATFORM_IMAGE_SCHEME.length);
    if (!imageIdSchema.safeParse(id).success) throw invalidRequest(`"${id}" is not an image id (mgm-image:<64 hex digits>)`, ref.param, 'invalid_image_url');
    if ((await deps.redis.exists(deps.keys.image(id))) === 0) {
      throw new MgmError('IMAGE_NOT_FOUND', 'the image is no longer stored (uploads expire): upload it again');
    }
    return id;
  }
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw invalidRequest(`the image URL is not a data:, ${PLATFORM_IMAGE_SCHEME} or http(s) URL`, ref.param, 'invalid_image_url');
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw invalidRequest(`image URLs are data:, ${PLATFORM_IMAGE_SCHEME} or http(s) URLs, not ${parsed.protocol}`, ref.param, 'invalid_image_url');
  }
  if (!deps.fetchRemote) {
    throw invalidRequest(
      'http(s) image URLs are not fetched by this server (the operator has not enabled API_IMAGE_FETCH): send the image as a data: URL (base64) or upload it and use mgm-image:<imageId>',
      ref.param,
      'image_url_not_allowed',
    );
  }
  const bytes = await fetchImage(parsed, { maxBytes: deps.maxUploadBytes, timeoutMs: deps.fetchTimeoutMs, param: ref.param });
  return (await deps.images.put(bytes)).imageId;
}

/** The bytes of a base64 `data:` URL, refused above the upload limit before decoding. */
export function decodeDataUrl(url: string, maxBytes: number, param: string): Uint8Array {
  const match = DATA_URL.exec(url);
  if (!match) throw invalidRequest('the data: URL is malformed', param, 'invalid_image_url');
  const mediaType = match[1]!.toLowerCase();
  if (mediaType !== '' && !mediaType.startsWith('image/') && mediaType !== 'application/octet-stream') {
    throw invalidRequest(`the data: URL holds ${mediaType}, not an image`, param, 'invalid_image_url');
  }
  if (!match[2]!.toLowerCase().split(';').includes('base64')) throw invalidRequest('the data: URL must be base64 (data:image/png;base64,...)', param, 'invalid_image_url');
  const payload = match[3]!.replace(/\s+/g, '');
  if ((payload.length * 3) / 4 - 2 > maxBytes) {
    throw new MgmError('IMAGE_TOO_LARGE', `the image is larger than the limit of ${maxBytes} bytes`);
  }
  if (!/^[A-Za-z0-9+/_-]*={0,2}$/.test(payload) || payload.length === 0) throw invalidRequest('the data: URL is not valid base64', param, 'invalid_image_url');
  const bytes = Buffer.from(payload, payload.includes('-') || payload.includes('_') ? 'base64url' : 'base64');
  if (bytes.length > maxBytes) throw new MgmError('IMAGE_TOO_LARGE', `the image is larger than the limit of ${maxBytes} bytes`);
  return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
