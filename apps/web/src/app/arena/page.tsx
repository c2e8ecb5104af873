import type { Metadata } from 'next';
import { ArenaView } from '@/components/arena/arena-view.tsx';
import { ArenaProvider } from '@/lib/arena/use-arena.tsx';

export const metadata: Metadata = { title: 'Arena' };

export default function ArenaPage() {
  return (
    <ArenaProvider>
      <ArenaView />
    </ArenaProvider>
  );
}
