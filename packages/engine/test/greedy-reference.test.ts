import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type MgmModel, MgmTokenizer, loadModel, renderGenerationPrompt, tokenizePrompt } from '../src/index.ts';
import { EVAL, MODELS, conversation, readReferenceRecords } from './greedy-reference-records.ts';

const IMAGE_TOKEN_INDEX = -200;
const records = readReferenceRecords();
const present = records.length > 0;

describe('PyTorch greedy reference (models/eval/greedy-reference.jsonl), full TypeScript pipeline', () => {
  if (!present) it.skip('models/eval/greedy-reference.jsonl is absent: nothing to compare with yet', () => {});

  const models = new Map<string, Promise<MgmModel>>();
  const modelFor = (name: string): Promise<MgmModel> => {
    let m = models.get(name);
    if (!m) {
      m = loadModel(path.join(MODELS, name));
      models.set(name, m);
    }
    return m;
  };
  afterAll(async () => {
    for (const m of models.values()) await (await m).close();
  });

  if (present) it('covers every shipped checkpoint', () => {
    expect(records.length).toBeGreaterThanOrEqual(20);
    expect(new Set(records.map((r) => r.model))).toEqual(new Set(['mgm-tiny', 'mgm-tiny-hd', 'llava-tiny']));
  });

  it.runIf(present).each(records.map((r, i) => [i, r.model, r] as const))(
    'record %i (%s): same prompt ids and same greedy output ids',
    async (_i, name, r) => {
      const model = await modelFor(name);
      const messages = conversation(r);
      if (r.prompt_ids) {
        const tokenizer = await MgmTokenizer.fromFile(path.join(MODELS, name, model.manifest.files.tokenizer));
        const tokens = tokenizePrompt(renderGenerationPrompt(model.manifest.template, messages, true), tokenizer, model.manifest.special_tokens);
        const withImage = [...tokens.ids.slice(0, tokens.imageAt), IMAGE_TOKEN_INDEX, ...tokens.ids.slice(tokens.imageAt)];
        expect(withImage).toEqual(r.prompt_ids);
      }
      const image = new Uint8Array(await readFile(path.join(EVAL, r.image)));
      const result = await model.generate({
        messages,
        image,
        params: { temperature: 0, maxNewTokens: r.output_ids.length },
      }).result;
      expect(result.outputIds).toEqual(r.output_ids);
      if (r.output_text !== undefined) expect(result.text).toBe(r.output_text); // no leading blank, as MGM strips
    },
  );
});
