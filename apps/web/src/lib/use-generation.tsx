'use client';

import { createContext, useContext, useEffect, useState, useSyncExternalStore, type ReactNode } from 'react';
import { io } from 'socket.io-client';
import { clientSession } from './client-session.ts';
import { GenerationClient, type ControllerSocket, type GenerationSnapshot } from './generation-client.ts';

const GenerationContext = createContext<GenerationClient | null>(null);

/** Opens one socket.io connection (same origin: the web server forwards it to the controller). */
export function GenerationProvider({ children }: { children: ReactNode }) {
  const [client, setClient] = useState<GenerationClient | null>(null);
  useEffect(() => {
    const socket: ControllerSocket = io({ path: '/socket.io', transports: ['websocket', 'polling'], auth: { session: clientSession() } });
    const created = new GenerationClient(socket);
    setClient(created);
    return () => created.close();
  }, []);
  return <GenerationContext.Provider value={client}>{children}</GenerationContext.Provider>;
}

const serverSnapshot: GenerationSnapshot = { connected: false, everConnected: false, jobs: {} };
const noop = () => () => {};

export function useGenerationClient(): GenerationClient | null {
  return useContext(GenerationContext);
}

export function useGenerationSnapshot(): GenerationSnapshot {
  const client = useContext(GenerationContext);
  return useSyncExternalStore(
    client?.subscribe ?? noop,
    client ? client.getSnapshot : () => serverSnapshot,
    () => serverSnapshot,
  );
}
