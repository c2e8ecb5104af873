import {
  MAX_MESSAGE_CHARS,
  defaultSamplingParams,
  imageIdSchema,
  imageModeSchema,
  modelIdSchema,
  samplingParamsSchema,
  type ImageMode,
  type SamplingParams,
} from '@mgm/protocol';
import { MAX_PANES } from './compare-state.ts';

/** A comparison setup as a link: `/compare?models=a,b,c&image=<sha256>&q=...&temperature=0`. */
export interface CompareSetup {
  models: string[];
  /** An uploaded image (its id); it reproduces the setup while the controller still stores it. */
  imageId: string | null;
  question: string | null;
  params: SamplingParams;
  imageMode: ImageMode;
}

const paramKeys = ['temperature', 'topP', 'topK', 'repetitionPenalty', 'maxNewTokens', 'seed'] as const;

/** Reads a setup from a query string; anything invalid is left out rather than refused. */
export function parseCompareLink(search: URLSearchParams): CompareSetup {
  const models: string[] = [];
  for (const raw of (search.get('models') ?? '').split(',')) {
    const model = raw.trim();
    if (modelIdSchema.safeParse(model).success && !models.includes(model) && models.length < MAX_PANES) models.push(model);
  }
  const image = search.get('image');
  const question = search.get('q');
  const params: Record<string, number> = {};
  for (const key of paramKeys) {
    const raw = search.get(key);
    if (raw === null || raw.trim() === '') continue;
    const value = Number(raw);
    const single = samplingParamsSchema.shape[key].safeParse(value);
    if (single.success && single.data !== undefined) params[key] = value;
  }
  const mode = imageModeSchema.safeParse(search.get('mode'));
  return {
    models,
    imageId: image !== null && imageIdSchema.safeParse(image).success ? image : null,
    question: question !== null && question.trim() !== '' ? question.slice(0, MAX_MESSAGE_CHARS) : null,
    params: samplingParamsSchema.parse(params),
    imageMode: mode.success ? mode.data : 'default',
  };
}

/** The query string of a setup (parameters only where they differ from MGM's defaults). */
export function compareLinkQuery(setup: CompareSetup): string {
  const search = new URLSearchParams();
  if (setup.models.length > 0) search.set('models', setup.models.join(','));
  if (setup.imageId) search.set('image', setup.imageId);
  if (setup.question) search.set('q', setup.question);
  for (const key of paramKeys) {
    const value = setup.params[key];
    if (value !== undefined && value !== defaultSamplingParams[key]) search.set(key, String(value));
  }
  if (setup.imageMode !== 'default') search.set('mode', setup.imageMode);
  // Commas are safe in a query and keep the link readable.
  return search.toString().replace(/%2C/g, ',');
}
