import type { Example } from '@/lib/examples.ts';

const kindLabel: Record<string, string> = {
  text: 'Read text',
  shape: 'Shapes',
  count: 'Counting',
  position: 'Position',
  colour: 'Colour',
};

export function ExampleGallery({ examples, onPick, disabled }: { examples: readonly Example[]; onPick: (example: Example) => void; disabled?: boolean }) {
  return (
    <div className="grid grid-cols-2 gap-3 sm:grid-cols-4">
      {examples.map((example) => (
        <button
          key={example.id}
          type="button"
          disabled={disabled}
          onClick={() => onPick(example)}
          data-testid="example"
          className="group flex flex-col overflow-hidden rounded-xl border border-slate-200 bg-surface text-left shadow-sm transition hover:-translate-y-0.5 hover:border-brand-200 hover:shadow-md disabled:pointer-events-none disabled:opacity-50"
        >
          <span className="flex aspect-[4/3] items-center justify-center overflow-hidden bg-slate-50">
            {/* eslint-disable-next-line @next/next/no-img-element -- tiny static PNGs */}
            <img src={example.image} alt="" className="h-full w-full object-contain" loading="lazy" />
          </span>
          <span className="flex flex-1 flex-col gap-1 border-t border-slate-100 p-3">
            <span className="text-[11px] font-semibold uppercase tracking-wide text-brand-600">{kindLabel[example.kind] ?? example.kind}</span>
            <span className="text-sm leading-snug text-slate-700">{example.question}</span>
          </span>
        </button>
      ))}
    </div>
  );
}
