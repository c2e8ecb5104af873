'use client';

import { Button } from '@/components/ui/button.tsx';
import { CloseIcon, ImageIcon, UploadIcon } from '@/components/ui/icons.tsx';
import { Spinner } from '@/components/ui/spinner.tsx';
import type { ChatImage } from '@/lib/chat-state.ts';
import type { UploadState } from '@/lib/use-image-upload.ts';

export interface ImagePanelProps {
  image: ChatImage | null;
  upload: UploadState;
  /** Opens the file picker. */
  onBrowse: () => void;
  /** Absent when the image can no longer be removed (the conversation started with it). */
  onRemove?: () => void;
  onDismissError: () => void;
}

/** The conversation's image: preview, or a drop zone that opens the file picker. */
export function ImagePanel({ image, upload, onBrowse, onRemove, onDismissError }: ImagePanelProps) {
  const preview = upload.status === 'uploading' ? upload.previewUrl : image?.previewUrl;

  return (
    <div className="space-y-2">
      {preview ? (
        <div className="relative overflow-hidden rounded-lg border border-slate-200 bg-[repeating-conic-gradient(var(--color-slate-100)_0_25%,var(--color-surface)_0_50%)] bg-[length:16px_16px]">
          {/* eslint-disable-next-line @next/next/no-img-element -- a local object URL */}
          <img src={preview} alt={image?.name ?? 'Uploading image'} className="mx-auto max-h-56 w-auto object-contain" data-testid="image-preview" />
          {upload.status === 'uploading' ? (
            <div className="absolute inset-0 flex items-center justify-center gap-2 bg-surface/70 text-sm font-medium text-slate-700">
              <Spinner /> Uploading…
            </div>
          ) : null}
          {onRemove && upload.status !== 'uploading' ? (
            <button
              type="button"
              onClick={onRemove}
              aria-label="Remove image"
              className="absolute right-2 top-2 inline-flex size-7 items-center justify-center rounded-full bg-slate-900/70 text-surface hover:bg-slate-900"
            >
              <CloseIcon className="size-4" />
            </button>
          ) : null}
        </div>
      ) : (
        <button
          type="button"
          onClick={onBrowse}
          className="flex w-full flex-col items-center justify-center gap-2 rounded-lg border-2 border-dashed border-slate-300 bg-surface px-4 py-6 text-center text-sm text-slate-500 transition-colors hover:border-brand-500 hover:text-brand-700"
        >
          <ImageIcon className="size-7 text-slate-400" />
          <span>
            <span className="font-medium text-brand-700">Choose an image</span>, drop it here, or paste it
          </span>
        </button>
      )}
      {image && upload.status !== 'uploading' ? (
        <div className="flex items-center justify-between gap-2 text-xs text-slate-500">
          <span className="truncate" title={image.name}>
            {image.name} · {image.width}×{image.height}
          </span>
          <Button size="sm" variant="ghost" onClick={onBrowse}>
            <UploadIcon className="size-3.5" /> Replace
          </Button>
        </div>
      ) : null}
      {upload.status === 'error' ? (
        <div role="alert" className="flex items-start justify-between gap-2 rounded-lg border border-rose-200 bg-rose-50 px-3 py-2 text-xs text-rose-700" data-testid="upload-error">
          <span>
            <span className="font-medium">Image rejected.</span> {upload.message}
          </span>
          <button type="button" onClick={onDismissError} aria-label="Dismiss" className="shrink-0 text-rose-500 hover:text-rose-700">
            <CloseIcon className="size-3.5" />
          </button>
        </div>
      ) : null}
    </div>
  );
}
