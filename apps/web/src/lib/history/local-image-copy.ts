/** The longest side of the local copy of an image kept with a conversation. */
export const LOCAL_COPY_MAX_SIDE = 768;
/** Images at most this big (and no larger than LOCAL_COPY_MAX_SIDE) are kept as they are. */
export const LOCAL_COPY_MAX_BYTES = 512 * 1024;

/** The size of the copy: the image scaled down to fit LOCAL_COPY_MAX_SIDE, never up. */
export function localCopySize(width: number, height: number, maxSide = LOCAL_COPY_MAX_SIDE): { width: number; height: number } {
  const scale = Math.min(1, maxSide / Math.max(width, height));
  return { width: Math.max(1, Math.round(width * scale)), height: Math.max(1, Math.round(height * scale)) };
}

/**
 * A small copy of an image for the history (browser only): the image itself when it is small,
 * else scaled down and encoded as JPEG. Null when the browser cannot decode it.
 */
export async function makeLocalImageCopy(image: Blob): Promise<Blob | null> {
  try {
    const bitmap = await createImageBitmap(image);
    const size = localCopySize(bitmap.width, bitmap.height);
    if (image.size <= LOCAL_COPY_MAX_BYTES && size.width === bitmap.width && size.height === bitmap.height) {
      bitmap.close();
      return image;
    }
    const canvas = new OffscreenCanvas(size.width, size.height);
    const context = canvas.getContext('2d');
    if (!context) return null;
    context.drawImage(bitmap, 0, 0, size.width, size.height);
    bitmap.close();
    return await canvas.convertToBlob({ type: 'image/jpeg', quality: 0.9 });
  } catch {
    return null;
  }
}
