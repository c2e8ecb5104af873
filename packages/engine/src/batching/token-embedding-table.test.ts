import { existsSync } from 'node:fs';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { FIXTURES } from '../../test/fixture-checkpoint.ts';
import { MODELS } from '../../test/greedy-reference-records.ts';
import { parseDevice } from '../execution-provider.ts';
import { loadManifest } from '../manifest.ts';
import { createSessions } from '../sessions.ts';
import { TokenEmbeddingTable } from './token-embedding-table.ts';

const checkpoints = [path.join(FIXTURES, 'micro-mgm'), path.join(MODELS, 'mgm-tiny')].filter((d) => existsSync(path.join(d, 'mgm.json')));

describe.each(checkpoints.map((d) => [path.basename(d), d]))('TokenEmbeddingTable on %s', (_name, dir) => {
  it("gives the embed graph's bits for a batch of ids (repeats, first and last id included)", async () => {
    const loaded = await loadManifest(dir);
    const { llm } = loaded.manifest;
    const s = await createSessions(loaded, { device: parseDevice('cpu'), dtype: 'fp32', logger: pino({ level: 'silent' }), intraOpThreads: 1 });
    try {
      const table = await TokenEmbeddingTable.build(s.embed, llm.vocab_size, llm.hidden_size);
      const ids = [0, 5, llm.vocab_size - 1, 5, 17 % llm.vocab_size, 3];
      const got = new Float32Array(ids.length * llm.hidden_size + 7).fill(Number.NaN);
      table.gather(ids, got);
      // The graph run as the batch decoder would have run it: ids as [B, 1].
      const out = await s.embed.run({ input_ids: new ort.Tensor('int64', BigInt64Array.from(ids, BigInt), [ids.length, 1]) });
      const want = (out.inputs_embeds as ort.Tensor).data as Float32Array;
      expect(Buffer.from(got.subarray(0, want.length).buffer.slice(0, want.byteLength)).equals(Buffer.from(want.buffer, want.byteOffset, want.byteLength))).toBe(true);
      expect(Number.isNaN(got[want.length])).toBe(true);
      expect(() => table.gather([llm.vocab_size], got)).toThrow(RangeError);
    } finally {
      await Promise.all([s.vision.release(), s.embed.release(), s.decoder.release()]);
    }
  });
});
