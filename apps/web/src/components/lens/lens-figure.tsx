import type { ReactNode } from 'react';

/** One captioned square of the lens. */
export function LensFigure({ caption, children, testId }: { caption: string; children: ReactNode; testId: string }) {
  return (
    <figure className="w-[136px] shrink-0 space-y-1 sm:w-[160px]" data-testid={testId}>
      <div className="relative aspect-square w-full overflow-hidden rounded-md border border-slate-200 bg-slate-100">{children}</div>
      <figcaption className="text-[11px] leading-tight text-slate-500">{caption}</figcaption>
    </figure>
  );
}

export const pngUrl = (pngBase64: string): string => `data:image/png;base64,${pngBase64}`;
