import http from 'node:http';
import type { AddressInfo } from 'node:net';
import next from 'next';
import type { Logger } from 'pino';
import { createControllerProxy, isControllerPath } from './controller-proxy.ts';

export interface WebServerOptions {
  /** The Next.js project folder (apps/web). */
  dir: string;
  dev: boolean;
  host: string;
  /** 0 picks a free port. */
  port: number;
  controllerUrl: string;
  logger: Logger;
}

export interface WebServer {
  /** http://host:port as a browser on this machine reaches it. */
  url: string;
  port: number;
  close(): Promise<void>;
}

/**
 * One HTTP server for the whole product: Next.js pages, plus `/api/*` and `/socket.io/*`
 * (WebSocket upgrades included) forwarded to the controller.
 */
export async function startWebServer(options: WebServerOptions): Promise<WebServer> {
  const { logger } = options;
  // Next.js would try to send telemetry to the internet; serving never needs it.
  process.env.NEXT_TELEMETRY_DISABLED ??= '1';
  const proxy = createControllerProxy(options.controllerUrl, logger.child({ component: 'controller-proxy' }));
  const server = http.createServer();

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;

  // Next learns the real port (needed when port 0 was asked for), so it is created after listen.
  const app = next({ dev: options.dev, dir: options.dir, hostname: options.host, port, httpServer: server });
  const ready = app.prepare().then(() => app.getRequestHandler());
  ready.catch((err: unknown) => logger.error({ err }, 'next failed to start'));

  server.on('request', (req, res) => {
    if (req.url === '/healthz') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ status: 'ok', service: 'web' }));
      return;
    }
    if (isControllerPath(req.url)) {
      proxy.web(req, res);
      return;
    }
    ready.then(
      (handle) => handle(req, res),
      () => {
        res.writeHead(503, { 'content-type': 'text/plain' });
        res.end('The web app failed to start; see the server log.');
      },
    );
  });
  // Next attaches its own upgrade listener (dev HMR) to this server; it ignores paths it has no route for.
  server.on('upgrade', (req, socket, head) => {
    if (isControllerPath(req.url)) proxy.upgrade(req, socket, head);
  });

  await ready;
  const shownHost = options.host === '0.0.0.0' || options.host === '::' ? 'localhost' : options.host;
  const url = `http://${shownHost}:${port}`;
  logger.info({ url, controllerUrl: options.controllerUrl, dev: options.dev }, 'web server ready');

  return {
    url,
    port,
    close: async () => {
      proxy.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await app.close();
    },
  };
}
