import { z } from 'zod';

export const MAX_STOP_STRINGS = 4;
/** Most alternatives a generated token's log-probability comes with (OpenAI's top_logprobs limit). */
export const MAX_TOP_LOGPROBS = 20;
export const MAX_STOP_CHARS = 128;

/**
 * Sampling parameters with MGM's defaults (temperature 0.2, top-p 0.7, 512 new tokens).
 * temperature 0 means greedy decoding; topK 0 means no top-k filter.
 */
export const samplingParamsSchema = z.object({
  temperature: z.number().min(0).max(2).default(0.2),
  topP: z.number().gt(0).max(1).default(0.7),
  topK: z.number().int().min(0).max(1000).default(0),
  repetitionPenalty: z.number().min(0.5).max(2).default(1),
  maxNewTokens: z.number().int().min(1).max(4096).default(512),
  /** Optional seed for reproducible sampling. */
  seed: z.number().int().min(0).max(2 ** 32 - 1).optional(),
  /**
   * Extra stop strings (OpenAI's `stop`): the answer ends before the first of them, which is
   * never shown; the finish reason is `stop`. The template's own stop strings always apply.
   */
  stop: z.array(z.string().min(1, 'a stop string is not empty').max(MAX_STOP_CHARS, `a stop string is at most ${MAX_STOP_CHARS} characters`)).max(MAX_STOP_STRINGS, `at most ${MAX_STOP_STRINGS} stop strings`).optional(),
  /**
   * With a number: every generated token's log-probability (under the model's raw distribution,
   * before temperature, top-k/top-p and repetition penalty), with that many most likely
   * alternatives, travels in the delta frames. Absent: none (they cost a pass over the vocabulary per token).
   */
  logprobs: z.number().int().min(0).max(MAX_TOP_LOGPROBS).optional(),
  /** MGM --ocr: read the image's text with OCR and give it to the model ("Reference OCR Token"). */
  useOcr: z.boolean().optional(),
  /** MGM --gen: ask for an image prompt (<h>…</h>) and attach the picture a backend draws from it. */
  generateImage: z.boolean().optional(),
});
export type SamplingParams = z.infer<typeof samplingParamsSchema>;
export type SamplingParamsInput = z.input<typeof samplingParamsSchema>;

export const defaultSamplingParams: SamplingParams = samplingParamsSchema.parse({});

/**
 * How the image is fitted to the square the vision encoder expects, as MGM's gradio demo offers.
 * `default` uses the checkpoint's own `image.process_mode`.
 */
export const imageModeSchema = z.enum(['pad', 'crop', 'resize', 'default']);
export type ImageMode = z.infer<typeof imageModeSchema>;
