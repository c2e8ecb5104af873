import ReactMarkdown from 'react-markdown';
import rehypeSanitize from 'rehype-sanitize';
import remarkGfm from 'remark-gfm';

/** A model's answer as Markdown; raw HTML is not rendered and links/images are sanitised. */
export function MarkdownAnswer({ text, streaming = false }: { text: string; streaming?: boolean }) {
  return (
    <div
      className={`prose prose-slate max-w-none text-[15px] leading-relaxed break-words prose-p:my-2 prose-pre:my-2 prose-pre:bg-slate-900 prose-ul:my-2 prose-ol:my-2 prose-code:rounded prose-code:bg-slate-100 prose-code:px-1 prose-code:py-0.5 prose-code:font-medium prose-code:before:content-none prose-code:after:content-none prose-pre:prose-code:bg-transparent prose-pre:prose-code:p-0 ${
        streaming ? 'streaming-cursor' : ''
      }`}
    >
      <ReactMarkdown remarkPlugins={[remarkGfm]} rehypePlugins={[rehypeSanitize]}>
        {text}
      </ReactMarkdown>
    </div>
  );
}
