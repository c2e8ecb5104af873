import type { ChatImage } from './chat-state.ts';
import { imageUrl } from './controller-http.ts';

/**
 * An image the controller still stores, by id (a shared link): its bytes for the preview and its
 * size. Null when it expired.
 */
export async function loadStoredImage(imageId: string, name: string): Promise<ChatImage | null> {
  const response = await fetch(imageUrl(imageId));
  if (!response.ok) return null;
  const blob = await response.blob();
  const bitmap = await createImageBitmap(blob);
  const image = { imageId, width: bitmap.width, height: bitmap.height, previewUrl: URL.createObjectURL(blob), name };
  bitmap.close();
  return image;
}
