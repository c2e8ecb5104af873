import { defaultSamplingParams, type VotePane } from '@mgm/protocol';
import type { NewVote } from '../src/arena/vote-store.ts';

/** Vote records for tests: a well-formed two-pane arena vote, with overrides. */
export function samplePane(label: VotePane['label'], model: string, answer: string): VotePane {
  return {
    label,
    model,
    jobId: `job-${model}`,
    requestId: 'req-1',
    messages: [{ role: 'user', content: 'What does the small text say?' }],
    answer,
    params: defaultSamplingParams,
    imageMode: 'default',
    imageHash: 'a'.repeat(64),
    workerId: `${model}-w1`,
    finishReason: 'stop',
    tokens: { prompt: 40, visual: 36, generated: 2 },
    timingsMs: { queue: 1, preprocess: 2, vision: 3, prefill: 4, ttft: 10, decode: 5, total: 15 },
    tokensPerSecond: 120,
  };
}

export function sampleVote(overrides: Partial<NewVote> = {}): NewVote {
  return {
    mode: 'arena',
    battleId: 'battle-0001',
    blind: true,
    counted: true,
    notCountedReason: null,
    choice: { type: 'pane', pane: 0 },
    panes: [samplePane('A', 'mgm-tiny', '170'), samplePane('B', 'llava-tiny', '17')],
    turns: 1,
    ...overrides,
  };
}
