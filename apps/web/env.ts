import { z } from 'zod';

const logLevelSchema = z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']);

export const webEnvSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  WEB_HOST: z.string().min(1).default('0.0.0.0'),
  WEB_PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  CONTROLLER_URL: z
    .url({ protocol: /^https?$/, error: 'CONTROLLER_URL must be an http(s) URL such as http://127.0.0.1:8780' })
    .default('http://127.0.0.1:8780'),
  LOG_LEVEL: logLevelSchema.default('info'),
});

export type WebEnv = z.infer<typeof webEnvSchema>;

/** Reads the web server's settings from the environment; throws one readable message on bad values. */
export function parseWebEnv(source: NodeJS.ProcessEnv = process.env): WebEnv {
  const result = webEnvSchema.safeParse(source);
  if (!result.success) {
    const lines = result.error.issues.map((issue) => `  ${issue.path.join('.')}: ${issue.message}`);
    throw new Error(`Invalid environment for @mgm/web:\n${lines.join('\n')}`);
  }
  return result.data;
}
