import type { Metadata } from 'next';
import { RunView } from '@/components/evaluate/run-view.tsx';

export const metadata: Metadata = { title: 'Evaluation run' };

export default async function EvaluationRunPage({ params, searchParams }: { params: Promise<{ runId: string }>; searchParams: Promise<{ vs?: string }> }) {
  const { runId } = await params;
  const { vs } = await searchParams;
  return <RunView runId={runId} vs={typeof vs === 'string' && vs !== '' ? vs : null} />;
}
