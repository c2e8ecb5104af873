import type { ModelSummary } from '@mgm/protocol';
import { describe, expect, it } from 'vitest';
import { architectureLabel, defaultModel, warnWithoutImage } from './model-card.ts';

const model = (id: string, overall: number | null, extra: Partial<ModelSummary> = {}): ModelSummary => ({
  id,
  displayName: id,
  architecture: 'mgm',
  template: 'vicuna_v1',
  workers: 1,
  ready: 1,
  visualTokens: 36,
  contextLength: 512,
  lrSize: 48,
  hrSize: 192,
  capabilities: ['image', 'multi-turn', 'patch-info-mining'],
  evaluation: overall === null ? null : { n: 10, overall, byType: [{ type: 'count', n: 10, metric: 'accuracy', value: overall }] },
  ...extra,
});

describe('model card', () => {
  it('names the architecture: LR only, LR + HR mining, HD grid', () => {
    expect(architectureLabel(model('a', null, { architecture: 'llava', capabilities: ['image'] }))).toMatch(/^LR only/);
    expect(architectureLabel(model('b', null))).toBe('LR + HR mining');
    expect(architectureLabel(model('c', null, { capabilities: ['image', 'hd', 'patch-info-mining'] }))).toMatch(/^HD grid/);
  });

  it('defaults to the best measured model with a ready worker', () => {
    expect(defaultModel([model('a', 0.3), model('b', 0.7), model('c', 0.9, { ready: 0 })])?.id).toBe('b');
    expect(defaultModel([model('x', null, { architecture: 'llava' }), model('y', null)])?.id).toBe('y');
  });

  it('warns about a question without an image to a model measured on image questions only', () => {
    expect(warnWithoutImage(model('a', 0.5), false)).toBe(true);
    expect(warnWithoutImage(model('a', 0.5), true)).toBe(false);
    expect(warnWithoutImage(model('a', null), false)).toBe(false);
  });
});
