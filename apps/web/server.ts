import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { pino } from 'pino';
import { parseWebEnv } from './env.ts';
import { startWebServer } from './src/server/web-server.ts';

const env = parseWebEnv();
const logger = pino({ name: 'web', level: env.LOG_LEVEL });
// The app folder: this file's, or its parent's when it runs compiled from dist-server/.
const here = path.dirname(fileURLToPath(import.meta.url));
const dir = path.basename(here) === 'dist-server' ? path.dirname(here) : here;

const web = await startWebServer({
  dir,
  dev: env.NODE_ENV !== 'production',
  host: env.WEB_HOST,
  port: env.WEB_PORT,
  controllerUrl: env.CONTROLLER_URL,
  logger,
});
process.stdout.write(`MGM Serve web: ${web.url}\n`);

let closing = false;
async function shutdown(signal: string): Promise<void> {
  if (closing) return;
  closing = true;
  logger.info({ signal }, 'shutting down');
  const timer = setTimeout(() => process.exit(1), 10_000);
  timer.unref();
  await web.close();
  process.exit(0);
}
process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('SIGINT', () => void shutdown('SIGINT'));
