import type { Ref } from 'react';

export const acceptedImageTypes = 'image/png,image/jpeg,image/webp,image/gif,image/bmp,image/tiff';

/** The hidden file input behind every "attach image" button of a page. */
export function ImageFileInput({ onPick, ref }: { onPick: (file: File) => void; ref?: Ref<HTMLInputElement> }) {
  return (
    <input
      ref={ref}
      type="file"
      accept={acceptedImageTypes}
      className="hidden"
      data-testid="image-input"
      onChange={(event) => {
        const file = event.target.files?.[0];
        if (file) onPick(file);
        event.target.value = '';
      }}
    />
  );
}
