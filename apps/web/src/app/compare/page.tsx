import type { Metadata } from 'next';
import { CompareView } from '@/components/compare/compare-view.tsx';
import { GenerationProvider } from '@/lib/use-generation.tsx';

export const metadata: Metadata = { title: 'Compare' };

export default function ComparePage() {
  return (
    <GenerationProvider>
      <CompareView />
    </GenerationProvider>
  );
}
