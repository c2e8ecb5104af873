import type { Redis } from 'ioredis';
import { imageIdSchema, type ImageUploadResponse, type RedisKeys } from '@mgm/protocol';

/** What @mgm/vision's normalizeUpload returns: the image re-encoded as PNG, checked and hashed. */
export interface NormalizedImage {
  png: Uint8Array;
  width: number;
  height: number;
  sha256: string;
  format: string;
}
/** `transfer`: the caller hands the bytes over (a thread may take them without a copy). */
export type NormalizeUpload = (bytes: Uint8Array, options?: { transfer?: boolean }) => Promise<NormalizedImage>;

/** Uploaded images, normalised, in Redis under their sha256 with an expiry (refreshed on upload). */
export class ImageStore {
  constructor(
    private readonly redis: Redis,
    private readonly keys: RedisKeys,
    private readonly normalize: NormalizeUpload,
    private readonly ttlSeconds: number,
  ) {}

  async put(bytes: Uint8Array, options?: { transfer?: boolean }): Promise<ImageUploadResponse> {
    const image = await this.normalize(bytes, options);
    const imageId = imageIdSchema.parse(image.sha256);
    await this.redis.set(this.keys.image(imageId), Buffer.from(image.png.buffer, image.png.byteOffset, image.png.byteLength), 'EX', this.ttlSeconds);
    return { imageId, width: image.width, height: image.height };
  }

  async get(imageId: string): Promise<Buffer | null> {
    if (!imageIdSchema.safeParse(imageId).success) return null;
    return this.redis.getBuffer(this.keys.image(imageId));
  }
}
