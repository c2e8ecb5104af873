import type { Metadata, Viewport } from 'next';
import type { ReactNode } from 'react';
import { TopNav } from '@/components/nav/top-nav.tsx';
import './globals.css';

export const metadata: Metadata = {
  title: { default: 'MGM Serve', template: '%s · MGM Serve' },
  description: 'Chat with Mini-Gemini vision-language checkpoints served by your own workers.',
};

export const viewport: Viewport = {
  width: 'device-width',
  initialScale: 1,
  themeColor: '#ffffff',
};

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body className="flex h-dvh flex-col overflow-hidden">
        <TopNav />
        <div className="flex min-h-0 flex-1 flex-col">{children}</div>
      </body>
    </html>
  );
}
