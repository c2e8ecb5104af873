import type { UploadState } from '@/lib/use-image-upload.ts';

/** Above the composer on narrow screens (where the image panel sits in a closed drawer): why the image was refused. */
export function UploadErrorNote({ upload }: { upload: UploadState }) {
  if (upload.status !== 'error') return null;
  return (
    <p role="alert" className="text-xs text-rose-600 lg:hidden">
      Image rejected: {upload.message}
    </p>
  );
}
