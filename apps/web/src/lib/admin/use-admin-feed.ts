'use client';

import { useEffect, useState } from 'react';
import { io, type Socket } from 'socket.io-client';
import {
  ADMIN_NAMESPACE,
  adminSeriesSchema,
  adminSnapshotSchema,
  type AdminClientToServerEvents,
  type AdminSeries,
  type AdminServerToClientEvents,
  type AdminSnapshot,
} from '@mgm/protocol';

export interface AdminFeedState {
  connected: boolean;
  snapshot: AdminSnapshot | null;
  series: AdminSeries | null;
  /** Set when the controller refused or ended the session: log in again. */
  unauthorized: string | null;
  /** The last connection problem, while there is one. */
  error: string | null;
}

const initial: AdminFeedState = { connected: false, snapshot: null, series: null, unauthorized: null, error: null };

/**
 * The dashboard's live feed: the `/admin` socket.io namespace (same origin; the session cookie
 * goes with the handshake). Snapshots arrive every second, series after every sample.
 */
export function useAdminFeed(): AdminFeedState {
  const [state, setState] = useState<AdminFeedState>(initial);
  useEffect(() => {
    const socket: Socket<AdminServerToClientEvents, AdminClientToServerEvents> = io(ADMIN_NAMESPACE, {
      path: '/socket.io',
      transports: ['websocket', 'polling'],
    });
    const update = (patch: Partial<AdminFeedState>) => setState((previous) => ({ ...previous, ...patch }));
    socket.on('connect', () => update({ connected: true, error: null }));
    socket.on('disconnect', () => update({ connected: false }));
    socket.on('connect_error', (error) => {
      if (error.message === 'unauthorized') {
        socket.close();
        update({ connected: false, unauthorized: 'your admin session is not valid any more: log in again' });
      } else {
        update({ connected: false, error: `cannot reach the controller (${error.message}); retrying` });
      }
    });
    socket.on('unauthorized', (message) => update({ connected: false, unauthorized: message }));
    socket.on('snapshot', (raw) => {
      const parsed = adminSnapshotSchema.safeParse(raw);
      if (parsed.success) update({ snapshot: parsed.data });
      else update({ error: 'the controller sent a snapshot this page cannot read (is the web app older than the controller?)' });
    });
    socket.on('series', (raw) => {
      const parsed = adminSeriesSchema.safeParse(raw);
      if (parsed.success) update({ series: parsed.data });
    });
    return () => {
      socket.close();
    };
  }, []);
  return state;
}
