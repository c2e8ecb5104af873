import type { Metadata } from 'next';
import { ChatView } from '@/components/chat/chat-view.tsx';
import { HistoryProvider } from '@/lib/history/use-history.tsx';
import { GenerationProvider } from '@/lib/use-generation.tsx';

export const metadata: Metadata = { title: { absolute: 'Chat · MGM Serve' } };

export default function ChatPage() {
  return (
    <GenerationProvider>
      <HistoryProvider>
        <ChatView />
      </HistoryProvider>
    </GenerationProvider>
  );
}
