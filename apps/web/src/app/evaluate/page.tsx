import type { Metadata } from 'next';
import { EvaluateView } from '@/components/evaluate/evaluate-view.tsx';

export const metadata: Metadata = { title: 'Evaluate' };

export default function EvaluatePage() {
  return <EvaluateView />;
}
