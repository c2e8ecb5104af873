/** DEVELOPMENT ONLY: `npm run dev:mock -w @mgm/web` runs the page against dev/mock-controller.ts. */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { pino } from 'pino';
import { parseWebEnv } from '../env.ts';
import { startWebServer } from '../src/server/web-server.ts';
import { startMockController } from './mock-controller.ts';

const env = parseWebEnv();
const logger = pino({ name: 'web', level: env.LOG_LEVEL });
const mock = await startMockController(Number(process.env.MOCK_CONTROLLER_PORT ?? 0));
logger.warn({ url: mock.url }, 'MOCK controller running: answers are canned text, not a model');
const web = await startWebServer({
  dir: path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..'),
  dev: env.NODE_ENV !== 'production',
  host: env.WEB_HOST,
  port: env.WEB_PORT,
  controllerUrl: mock.url,
  logger,
});
process.stdout.write(`MGM Serve web (mock controller): ${web.url}\n`);

const shutdown = async () => {
  await web.close();
  await mock.close();
  process.exit(0);
};
process.on('SIGTERM', () => void shutdown());
process.on('SIGINT', () => void shutdown());
