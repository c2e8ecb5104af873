import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import httpProxy from 'http-proxy';
import type { Logger } from 'pino';

/** Paths that belong to the controller (its API, socket.io, the OpenAI API under /v1); everything else is the Next.js app. */
export function isControllerPath(url: string | undefined): boolean {
  if (!url) return false;
  const pathname = url.split('?', 1)[0] ?? '';
  return pathname === '/api' || pathname.startsWith('/api/') || pathname.startsWith('/socket.io/') || pathname === '/v1' || pathname.startsWith('/v1/');
}

export interface ControllerProxy {
  web(req: IncomingMessage, res: ServerResponse): void;
  upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void;
  close(): void;
}

/**
 * Forwards HTTP requests and WebSocket upgrades to the controller so the browser sees one origin.
 * A controller that cannot be reached answers 502 with the same error shape the controller uses.
 */
export function createControllerProxy(controllerUrl: string, logger: Logger): ControllerProxy {
  const proxy = httpProxy.createProxyServer({ target: controllerUrl, ws: true, xfwd: true });

  proxy.on('error', (err: NodeJS.ErrnoException, req, target) => {
    logger.warn({ err: err.message, code: err.code, url: req.url }, 'controller proxy error');
    if (isServerResponse(target)) {
      if (!target.headersSent) {
        target.writeHead(502, { 'content-type': 'application/json' });
        target.end(
          JSON.stringify({
            error: {
              code: 'INTERNAL',
              message: `The controller at ${controllerUrl} is not reachable (${err.code ?? err.message}). Is it running?`,
            },
          }),
        );
      } else {
        target.destroy();
      }
    } else {
      target.destroy();
    }
  });

  return {
    web: (req, res) => proxy.web(req, res),
    upgrade: (req, socket, head) => proxy.ws(req, socket, head),
    close: () => proxy.close(),
  };
}

function isServerResponse(target: ServerResponse | Duplex | unknown): target is ServerResponse {
  return typeof (target as ServerResponse).writeHead === 'function';
}
