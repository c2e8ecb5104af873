import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import type { Dtype } from '@mgm/engine';
import { resolveCheckpoint } from '@mgm/model-zoo';
import { type ImageMode, type SamplingParams, imageModeSchema, samplingParamsSchema } from '@mgm/protocol';
import { CliUsageError } from './cli-io.ts';

/** Flags shared by ask, chat and eval. */
export const commonOptions = {
  model: { type: 'string' },
  image: { type: 'string' },
  temperature: { type: 'string' },
  'top-p': { type: 'string' },
  'top-k': { type: 'string' },
  'repetition-penalty': { type: 'string' },
  'max-new-tokens': { type: 'string' },
  'image-mode': { type: 'string' },
  device: { type: 'string' },
  dtype: { type: 'string' },
  'load-8bit': { type: 'boolean', default: false },
  'load-4bit': { type: 'boolean', default: false },
  'models-dir': { type: 'string' },
  seed: { type: 'string' },
  threads: { type: 'string' },
  json: { type: 'boolean', default: false },
  help: { type: 'boolean', short: 'h', default: false },
} as const;

export type ParsedValues = Record<string, string | boolean | undefined>;

/** node:util parseArgs with its errors turned into one-line usage errors. */
export function parseCommandArgs(
  args: string[],
  options: Record<string, { type: 'string' | 'boolean'; short?: string; default?: string | boolean }>,
): { values: ParsedValues; positionals: string[] } {
  try {
    const { values, positionals } = parseArgs({ args, options, allowPositionals: true, strict: true });
    return { values: values as ParsedValues, positionals };
  } catch (err) {
    throw new CliUsageError((err as Error).message.split('\n')[0] ?? 'invalid arguments');
  }
}

function number(values: ParsedValues, flag: string): number | undefined {
  const raw = values[flag];
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (typeof raw !== 'string' || raw.trim() === '' || !Number.isFinite(n)) {
    throw new CliUsageError(`--${flag} must be a number, got "${String(raw)}"`);
  }
  return n;
}

const FLAG_OF: Record<string, string> = {
  temperature: 'temperature',
  topP: 'top-p',
  topK: 'top-k',
  repetitionPenalty: 'repetition-penalty',
  maxNewTokens: 'max-new-tokens',
  seed: 'seed',
};

/** Sampling flags → SamplingParams (protocol's schema: its defaults are MGM's). */
export function samplingParams(values: ParsedValues, defaults: Partial<SamplingParams> = {}): SamplingParams {
  const raw = {
    ...defaults,
    ...Object.fromEntries(
      Object.entries({
        temperature: number(values, 'temperature'),
        topP: number(values, 'top-p'),
        topK: number(values, 'top-k'),
        repetitionPenalty: number(values, 'repetition-penalty'),
        maxNewTokens: number(values, 'max-new-tokens'),
        seed: number(values, 'seed'),
      }).filter(([, v]) => v !== undefined),
    ),
  };
  const parsed = samplingParamsSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const key = String(issue?.path[0] ?? '');
    throw new CliUsageError(`--${FLAG_OF[key] ?? key}: ${issue?.message ?? 'invalid value'}`);
  }
  return parsed.data;
}

export function imageMode(values: ParsedValues): ImageMode | undefined {
  const raw = values['image-mode'];
  if (raw === undefined) return undefined;
  const parsed = imageModeSchema.safeParse(raw);
  if (!parsed.success) throw new CliUsageError(`--image-mode must be one of pad, crop, resize, default; got "${String(raw)}"`);
  return parsed.data;
}

const DTYPES = ['fp32', 'fp16', 'q8', 'q4'] as const;

export interface ModelFlags {
  model: string;
  device?: string;
  dtype?: Dtype;
  intraOpThreads?: number;
}

/** --dtype, or MGM's --load-8bit / --load-4bit (aliases of q8 / q4). */
export function dtypeFlag(values: ParsedValues): Dtype | undefined {
  const dtype = values.dtype;
  if (dtype !== undefined && !DTYPES.includes(dtype as Dtype)) {
    throw new CliUsageError(`--dtype must be one of ${DTYPES.join(', ')}; got "${String(dtype)}"`);
  }
  const alias = values['load-8bit'] ? 'q8' : values['load-4bit'] ? 'q4' : undefined;
  if (values['load-8bit'] && values['load-4bit']) throw new CliUsageError('--load-8bit and --load-4bit exclude each other');
  if (alias && dtype !== undefined && dtype !== alias) {
    throw new CliUsageError(`--load-${alias === 'q8' ? 8 : 4}bit means --dtype ${alias}, but --dtype ${String(dtype)} was given`);
  }
  return (alias ?? dtype) as Dtype | undefined;
}

/** --model is a checkpoint folder or a zoo name (resolved under --models-dir / MGM_MODELS_DIR). */
export async function modelFlags(values: ParsedValues): Promise<ModelFlags> {
  const model = values.model;
  if (typeof model !== 'string' || model === '') {
    throw new CliUsageError('--model is required: a checkpoint folder such as models/mgm-tiny, or a zoo name such as MGM-7B-HD');
  }
  const dtype = dtypeFlag(values);
  const threads = number(values, 'threads');
  if (threads !== undefined && (!Number.isInteger(threads) || threads < 1)) throw new CliUsageError('--threads must be a positive integer');
  const modelsDir = typeof values['models-dir'] === 'string' ? values['models-dir'] : undefined;
  return {
    model: resolveCheckpoint(model, { modelsDir }).dir,
    device: typeof values.device === 'string' ? values.device : undefined,
    dtype,
    intraOpThreads: threads,
  };
}

export async function readImageFile(file: string): Promise<Uint8Array> {
  try {
    return new Uint8Array(await readFile(file));
  } catch (err) {
    const why = (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message;
    throw new CliUsageError(`cannot read image ${file}: ${why}`);
  }
}
