import type { Metadata, Viewport } from 'next';
import type { ReactNode } from 'react';
import { TopNav } from '@/components/nav/top-nav.tsx';
import { themeScript } from '@/lib/theme/theme-preference.ts';
import './globals.css';

export const metadata: Metadata = {
  title: { default: 'MGM Serve', template: '%s · MGM Serve' },
  description: 'Chat with Mini-Gemini vision-language checkpoints served by your own workers.',
};

export const viewport: Viewport = {
  width: 'device-width',
  initialScale: 1,
  themeColor: [
    { media: '(prefers-color-scheme: light)', color: '#ffffff' },
    { media: '(prefers-color-scheme: dark)', color: '#111827' },
  ],
};

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    // The theme script sets the `dark` class before React hydrates: React must not complain about it.
    <html lang="en" suppressHydrationWarning>
      <head>
        {/* eslint-disable-next-line react/no-danger -- a constant of ours, run before the first paint */}
        <script dangerouslySetInnerHTML={{ __html: themeScript }} />
      </head>
      <body className="flex h-dvh flex-col overflow-hidden">
        <TopNav />
        <div className="flex min-h-0 flex-1 flex-col">{children}</div>
      </body>
    </html>
  );
}
