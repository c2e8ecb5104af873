import type { Logger } from 'pino';
import type { Namespace, Socket } from 'socket.io';
import { ADMIN_NAMESPACE, type AdminClientToServerEvents, type AdminServerToClientEvents } from '@mgm/protocol';
import type { GatewayServer } from '../socket-gateway.ts';
import type { AdminAuth, AdminPrincipal } from './admin-auth.ts';
import type { AdminMonitor } from './admin-monitor.ts';

type AdminNamespace = Namespace<AdminClientToServerEvents, AdminServerToClientEvents, Record<string, never>, { principal: AdminPrincipal }>;
type AdminSocket = Socket<AdminClientToServerEvents, AdminServerToClientEvents, Record<string, never>, { principal: AdminPrincipal }>;

export interface AdminNamespaceDeps {
  auth: AdminAuth;
  monitor: AdminMonitor;
  logger: Logger;
  /** How often open connections check that their session still holds. */
  revalidateMs: number;
}

/**
 * Socket.io namespace `/admin`: the dashboard's live feed. A connection needs the session
 * cookie (the browser sends it with the handshake) or the token in `auth.token`; without one
 * the handshake fails with "unauthorized" and nothing is sent. Connected dashboards get a
 * snapshot every monitor tick and the series after every sample; a session that ends (logout,
 * expiry, new ADMIN_TOKEN) is disconnected.
 */
export function attachAdminNamespace(io: GatewayServer, deps: AdminNamespaceDeps): { close: () => void } {
  // The main namespace is typed with the chat events; this one has the admin's own.
  const namespace = io.of(ADMIN_NAMESPACE) as unknown as AdminNamespace;
  const logger = deps.logger.child({ namespace: ADMIN_NAMESPACE });

  namespace.use((socket, next) => {
    deps.auth
      .authorize(socket.handshake.headers, (socket.handshake.auth as { token?: unknown } | undefined)?.token)
      .then((principal) => {
        if (!principal) {
          next(Object.assign(new Error('unauthorized'), { data: { code: 'UNAUTHORIZED', message: 'admin only: log in first' } }));
          return;
        }
        socket.data.principal = principal;
        next();
      })
      .catch((error: unknown) => {
        logger.error({ err: error }, 'admin handshake failed');
        next(new Error('internal error'));
      });
  });

  namespace.on('connection', (socket: AdminSocket) => {
    deps.monitor
      .current()
      .then((snapshot) => socket.emit('snapshot', snapshot))
      .catch((error: unknown) => logger.warn({ err: error }, 'no snapshot for a new dashboard'));
    void deps.monitor.series().then(
      (series) => socket.emit('series', series),
      (error: unknown) => logger.warn({ err: error }, 'no series for a new dashboard'),
    );
    socket.on('series', (ack) => {
      if (typeof ack !== 'function') return;
      deps.monitor.series().then(ack, (error: unknown) => logger.warn({ err: error }, 'series request failed'));
    });
  });

  deps.monitor.setAudience(() => namespace.sockets.size);
  const offSnapshot = deps.monitor.onSnapshot((snapshot) => {
    if (namespace.sockets.size > 0) namespace.emit('snapshot', snapshot);
  });
  const offSeries = deps.monitor.onSeries((series) => namespace.emit('series', series));

  const revalidate = setInterval(() => {
    for (const socket of namespace.sockets.values()) {
      const { principal } = socket.data;
      const expired = principal.expiresAt !== null && principal.expiresAt <= Date.now();
      void (expired ? Promise.resolve(false) : deps.auth.stillValid(principal)).then(
        (valid) => {
          if (valid) return;
          socket.emit('unauthorized', 'your admin session ended: log in again');
          socket.disconnect(true);
        },
        (error: unknown) => logger.warn({ err: error }, 'could not check an admin session'),
      );
    }
  }, deps.revalidateMs);
  revalidate.unref();

  return {
    close: () => {
      clearInterval(revalidate);
      offSnapshot();
      offSeries();
    },
  };
}
