import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { pino } from 'pino';
import { Server } from 'socket.io';
import { io } from 'socket.io-client';
import { afterEach, describe, expect, it } from 'vitest';
import { createControllerProxy, isControllerPath } from './controller-proxy.ts';

const logger = pino({ level: 'silent' });
const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function listen(server: http.Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(() => new Promise<void>((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve());
  }));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** The routing of web-server.ts without Next: controller paths go through the proxy, the rest is 404. */
async function startFront(controllerUrl: string): Promise<string> {
  const proxy = createControllerProxy(controllerUrl, logger);
  const front = http.createServer((req, res) => {
    if (isControllerPath(req.url)) return proxy.web(req, res);
    res.writeHead(404).end();
  });
  front.on('upgrade', (req, socket, head) => {
    if (isControllerPath(req.url)) proxy.upgrade(req, socket, head);
  });
  cleanups.push(() => proxy.close());
  return listen(front);
}

describe('isControllerPath', () => {
  it('sends /api, /socket.io and /v1 to the controller and everything else to Next', () => {
    expect(isControllerPath('/api/models')).toBe(true);
    expect(isControllerPath('/api')).toBe(true);
    expect(isControllerPath('/socket.io/?EIO=4&transport=websocket')).toBe(true);
    expect(isControllerPath('/')).toBe(false);
    expect(isControllerPath('/apiary')).toBe(false);
    expect(isControllerPath('/v1/chat/completions')).toBe(true);
    expect(isControllerPath('/v1')).toBe(true);
    expect(isControllerPath('/v1beta')).toBe(false);
    expect(isControllerPath('/_next/static/chunk.js')).toBe(false);
    expect(isControllerPath(undefined)).toBe(false);
  });
});

describe('createControllerProxy', () => {
  it('forwards HTTP requests and socket.io over WebSocket to the controller', async () => {
    const upstream = http.createServer((req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ path: req.url, forwardedFor: req.headers['x-forwarded-for'] ?? null }));
    });
    const ioServer = new Server(upstream);
    ioServer.on('connection', (socket) => socket.on('echo', (value: string, ack: (reply: string) => void) => ack(`echo:${value}`)));
    const frontUrl = await startFront(await listen(upstream));

    const response = await fetch(`${frontUrl}/api/models?x=1`);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ path: '/api/models?x=1', forwardedFor: expect.stringContaining('127.0.0.1') });

    const client = io(frontUrl, { transports: ['websocket'], reconnection: false });
    cleanups.push(() => void client.close());
    const reply = await client.timeout(5000).emitWithAck('echo', 'hello');
    expect(reply).toBe('echo:hello');
    expect(client.io.engine.transport.name).toBe('websocket');
  });

  it('answers 502 with a readable error when the controller is down', async () => {
    const closed = http.createServer();
    const deadUrl = await listen(closed);
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const frontUrl = await startFront(deadUrl);

    const response = await fetch(`${frontUrl}/api/models`);
    expect(response.status).toBe(502);
    const body = (await response.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('INTERNAL');
    expect(body.error.message).toContain(deadUrl);
  });
});
