import { describe, expect, it } from 'vitest';
import { workerActionText } from './worker-action-text.ts';

const worker = (id: string, model = 'mgm-tiny', state: 'ready' | 'paused' = 'ready', liveness: 'alive' | 'dead' = 'alive') => ({
  id,
  model,
  state,
  liveness,
  inFlight: 1,
});

describe('workerActionText', () => {
  it('does not promise another worker when the model has none', () => {
    const only = worker('w1');
    const text = workerActionText('stop', only, [only, worker('w2', 'llava-tiny'), worker('w3', 'mgm-tiny', 'ready', 'dead')]).description;
    expect(text).not.toMatch(/another ready worker .* answers them/);
    expect(text).toMatch(/No other ready worker serves mgm-tiny/);
    expect(text).toMatch(/does not come back by itself/);
    expect(text).toMatch(/docker compose/);
  });

  it('says another worker takes over when one is ready', () => {
    const a = worker('w1');
    expect(workerActionText('stop', a, [a, worker('w2')]).description).toMatch(/another ready worker of mgm-tiny answers them/);
    expect(workerActionText('pause', a, [a, worker('w2', 'mgm-tiny', 'paused')]).description).toMatch(/only ready worker of mgm-tiny/);
  });

  it('offers the restart on this page only for a worker whose supervisor owns its slot', () => {
    const only = worker('w1');
    const supervised = workerActionText('stop', only, [only], { supervisor: 'npm run demo' }).description;
    expect(supervised).toMatch(/npm run demo started it, and "Restart" under Stopped workers on this page starts it again/);
    const unsupervised = workerActionText('drain', only, [only], null).description;
    expect(unsupervised).toMatch(/this page cannot start it again: no supervisor owns it/);
    expect(unsupervised).not.toMatch(/"Restart"/);
  });
});
