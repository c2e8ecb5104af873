'use client';

import { ARENA_NAMESPACE } from '@mgm/protocol';
import { createContext, useContext, useEffect, useState, useSyncExternalStore, type ReactNode } from 'react';
import { io } from 'socket.io-client';
import { clientSession } from '../client-session.ts';
import { emptyBattle } from './arena-state.ts';
import { ArenaClient, type ArenaSnapshot, type ArenaSocket } from './arena-client.ts';

const ArenaContext = createContext<ArenaClient | null>(null);

/** Opens the arena's socket.io namespace (same origin: the web server forwards it to the controller). */
export function ArenaProvider({ children }: { children: ReactNode }) {
  const [client, setClient] = useState<ArenaClient | null>(null);
  useEffect(() => {
    const socket: ArenaSocket = io(ARENA_NAMESPACE, { path: '/socket.io', transports: ['websocket', 'polling'], auth: { session: clientSession() } });
    const created = new ArenaClient(socket);
    setClient(created);
    return () => created.close();
  }, []);
  return <ArenaContext.Provider value={client}>{children}</ArenaContext.Provider>;
}

const serverSnapshot: ArenaSnapshot = { connected: false, everConnected: false, battle: emptyBattle };
const noop = () => () => {};

export function useArenaClient(): ArenaClient | null {
  return useContext(ArenaContext);
}

export function useArenaSnapshot(): ArenaSnapshot {
  const client = useContext(ArenaContext);
  return useSyncExternalStore(client?.subscribe ?? noop, client ? client.getSnapshot : () => serverSnapshot, () => serverSnapshot);
}
