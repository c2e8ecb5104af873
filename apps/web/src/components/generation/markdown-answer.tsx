import type { ComponentPropsWithoutRef } from 'react';
import ReactMarkdown, { type Components } from 'react-markdown';
import rehypeSanitize from 'rehype-sanitize';
import remarkGfm from 'remark-gfm';

/** Links from a model's answer open elsewhere and carry no referrer. */
function ExternalLink({ node: _node, ...props }: ComponentPropsWithoutRef<'a'> & { node?: unknown }) {
  return <a {...props} target="_blank" rel="noopener noreferrer nofollow" />;
}

const components: Components = { a: ExternalLink };

/**
 * A model's answer as Markdown. Raw HTML is never rendered, the tree is sanitised, and images
 * are dropped (an answer must not make the browser fetch remote URLs).
 */
export function MarkdownAnswer({ text, streaming = false }: { text: string; streaming?: boolean }) {
  return (
    <div
      className={`prose prose-slate dark:prose-invert max-w-none text-[15px] leading-relaxed break-words prose-p:my-2 prose-pre:my-2 prose-pre:bg-slate-900 prose-ul:my-2 prose-ol:my-2 prose-code:rounded prose-code:bg-slate-100 prose-code:px-1 prose-code:py-0.5 prose-code:font-medium prose-code:before:content-none prose-code:after:content-none prose-pre:prose-code:bg-transparent prose-pre:prose-code:p-0 ${
        streaming ? 'streaming-cursor' : ''
      }`}
    >
      <ReactMarkdown remarkPlugins={[remarkGfm]} rehypePlugins={[rehypeSanitize]} disallowedElements={['img']} unwrapDisallowed components={components}>
        {text}
      </ReactMarkdown>
    </div>
  );
}
