import { z } from 'zod';
import { A1111Backend } from './a1111-backend.ts';
import type { ImageBackend } from './image-backend.ts';
import { OpenAiImagesBackend } from './openai-images-backend.ts';
import { SceneRenderer } from './scene-renderer.ts';

const sizeSchema = z
  .string()
  .regex(/^\d{2,4}x\d{2,4}$/u, 'a size is WIDTHxHEIGHT, e.g. 512x512')
  .transform((s) => {
    const [w, h] = s.split('x').map(Number) as [number, number];
    return { width: w, height: h };
  });

/**
 * The image backend's environment: IMAGE_BACKEND = scene (default) | openai | a1111,
 * IMAGE_BACKEND_URL (required for the HTTP ones), IMAGE_BACKEND_API_KEY, IMAGE_BACKEND_MODEL,
 * IMAGE_SIZE (WIDTHxHEIGHT).
 */
export const imageBackendEnvSchema = z
  .object({
    IMAGE_BACKEND: z.enum(['scene', 'openai', 'a1111']).default('scene'),
    IMAGE_BACKEND_URL: z.url({ protocol: /^https?$/u }).optional(),
    IMAGE_BACKEND_API_KEY: z.string().min(1).optional(),
    IMAGE_BACKEND_MODEL: z.string().min(1).optional(),
    IMAGE_SIZE: sizeSchema.optional(),
  })
  .refine((e) => e.IMAGE_BACKEND === 'scene' || e.IMAGE_BACKEND_URL !== undefined, {
    message: 'IMAGE_BACKEND_URL is required when IMAGE_BACKEND is openai or a1111',
    path: ['IMAGE_BACKEND_URL'],
  });
export type ImageBackendEnv = z.infer<typeof imageBackendEnvSchema>;

export function createImageBackend(env: ImageBackendEnv): ImageBackend {
  const size = env.IMAGE_SIZE;
  switch (env.IMAGE_BACKEND) {
    case 'scene':
      return new SceneRenderer(size ?? { width: 384, height: 384 });
    case 'openai':
      return new OpenAiImagesBackend({ url: env.IMAGE_BACKEND_URL as string, apiKey: env.IMAGE_BACKEND_API_KEY, model: env.IMAGE_BACKEND_MODEL, ...size });
    case 'a1111':
      return new A1111Backend({ url: env.IMAGE_BACKEND_URL as string, ...size });
  }
}
