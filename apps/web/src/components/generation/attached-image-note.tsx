import { ImageIcon } from '@/components/ui/icons.tsx';

/** Above the composer on narrow screens (where the image panel sits in a closed drawer): the image that goes with the first question. */
export function AttachedImageNote({ image, uploading, started }: { image: { name: string } | null; uploading: boolean; started: boolean }) {
  if (started || (!image && !uploading)) return null;
  return (
    <div className="flex items-center gap-2 text-xs text-slate-500 lg:hidden">
      <ImageIcon className="size-4" />
      {uploading ? 'Uploading image…' : `${image?.name} attached`}
    </div>
  );
}
