/**
 * An immutable snapshot and its listeners, in the shape useSyncExternalStore reads: `subscribe`
 * and `getSnapshot` are bound, so they can be handed over as they are.
 */
export class SnapshotStore<S extends object> {
  private readonly listeners = new Set<() => void>();

  constructor(private snapshot: S) {}

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  getSnapshot = (): S => this.snapshot;

  /** Replaces the snapshot with a patched copy and tells every listener. */
  update(patch: Partial<S>): void {
    this.snapshot = { ...this.snapshot, ...patch };
    for (const listener of this.listeners) listener();
  }

  clearListeners(): void {
    this.listeners.clear();
  }
}
