'use client';

import { useCallback, useRef, useState } from 'react';
import type { ChatImage } from './chat-state.ts';
import { uploadImage } from './controller-http.ts';
import { formatBytes } from './format.ts';
import { makeLocalImageCopy } from './history/local-image-copy.ts';

export type UploadState =
  | { status: 'idle' }
  | { status: 'uploading'; name: string; previewUrl: string }
  | { status: 'error'; name: string; message: string };

/** Larger files are refused here, before the upload; the controller checks again. */
export const MAX_IMAGE_BYTES = 20 * 1024 * 1024;

/** Uploads one image at a time; a newer attach supersedes an upload still in flight. */
export function useImageUpload(onUploaded: (image: ChatImage) => void) {
  const [state, setState] = useState<UploadState>({ status: 'idle' });
  const current = useRef<AbortController | null>(null);

  const attach = useCallback(
    async (blob: Blob, name: string) => {
      current.current?.abort();
      if (!blob.type.startsWith('image/')) {
        setState({ status: 'error', name, message: `"${name}" is not an image (${blob.type || 'unknown type'}).` });
        return;
      }
      if (blob.size > MAX_IMAGE_BYTES) {
        setState({ status: 'error', name, message: `"${name}" is ${formatBytes(blob.size)}; the limit is ${formatBytes(MAX_IMAGE_BYTES)}.` });
        return;
      }
      const controller = new AbortController();
      current.current = controller;
      const previewUrl = URL.createObjectURL(blob);
      setState({ status: 'uploading', name, previewUrl });
      try {
        const [uploaded, localCopy] = await Promise.all([uploadImage(blob, controller.signal), makeLocalImageCopy(blob)]);
        if (controller.signal.aborted) {
          URL.revokeObjectURL(previewUrl);
          return;
        }
        setState({ status: 'idle' });
        onUploaded({ ...uploaded, previewUrl, name, ...(localCopy ? { localCopy } : {}) });
      } catch (err) {
        URL.revokeObjectURL(previewUrl);
        if (controller.signal.aborted) return;
        setState({ status: 'error', name, message: err instanceof Error ? err.message : String(err) });
      }
    },
    [onUploaded],
  );

  const dismiss = useCallback(() => {
    current.current?.abort();
    setState({ status: 'idle' });
  }, []);

  return { state, attach, dismiss };
}
