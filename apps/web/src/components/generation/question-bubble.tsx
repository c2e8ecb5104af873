import type { ChatImage } from '@/lib/chat-state.ts';

/** The user's question, right-aligned, with the image above it on the turn that carries one (compare and arena). */
export function QuestionBubble({ question, image }: { question: string; image: ChatImage | null }) {
  return (
    <div className="flex flex-col items-end gap-2">
      {image ? (
        // eslint-disable-next-line @next/next/no-img-element -- a local object URL
        <img src={image.previewUrl} alt={image.name} className="max-h-40 max-w-[60%] rounded-2xl border border-slate-200 bg-surface object-contain shadow-sm" />
      ) : null}
      <div className="max-w-[85%] whitespace-pre-wrap break-words rounded-2xl rounded-br-md bg-brand-600 px-4 py-2 text-[15px] leading-relaxed text-white shadow-sm" data-testid="user-message">
        {question}
      </div>
    </div>
  );
}
