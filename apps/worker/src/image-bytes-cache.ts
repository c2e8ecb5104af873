/**
 * Uploaded images this worker has read, by image id, least recently used dropped first, within a
 * byte budget. An image id is the SHA-256 of the stored PNG, so cached bytes can never differ
 * from Redis's: each turn of a conversation about one image reads it from Redis once per worker,
 * and a job whose image is cached can start its model without waiting for Redis (see runJob).
 */
export class ImageBytesCache {
  private readonly entries = new Map<string, Uint8Array>();
  private bytes = 0;
  private hits = 0;
  private lookups = 0;

  constructor(private readonly maxBytes: number) {}

  get(imageId: string): Uint8Array | null {
    this.lookups += 1;
    const found = this.entries.get(imageId);
    if (!found) return null;
    this.hits += 1;
    this.entries.delete(imageId);
    this.entries.set(imageId, found);
    return found;
  }

  set(imageId: string, image: Uint8Array): void {
    if (image.byteLength > this.maxBytes || this.entries.has(imageId)) return;
    while (this.bytes + image.byteLength > this.maxBytes) {
      const [oldest, bytes] = this.entries.entries().next().value as [string, Uint8Array];
      this.entries.delete(oldest);
      this.bytes -= bytes.byteLength;
    }
    this.entries.set(imageId, image);
    this.bytes += image.byteLength;
  }

  stats(): { entries: number; bytes: number; maxBytes: number; hits: number; lookups: number } {
    return { entries: this.entries.size, bytes: this.bytes, maxBytes: this.maxBytes, hits: this.hits, lookups: this.lookups };
  }
}
