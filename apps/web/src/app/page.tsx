import type { Metadata } from 'next';
import { ChatView } from '@/components/chat/chat-view.tsx';
import { GenerationProvider } from '@/lib/use-generation.tsx';

export const metadata: Metadata = { title: 'Chat' };

export default function ChatPage() {
  return (
    <GenerationProvider>
      <ChatView />
    </GenerationProvider>
  );
}
