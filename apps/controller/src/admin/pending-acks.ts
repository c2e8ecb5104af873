/**
 * Commands sent over pub/sub that wait for an acknowledgement carrying their commandId: `wait`
 * resolves with the ack, or with null once `timeoutMs` passed; `settle` hands an ack that arrived
 * to its waiter (an ack nobody waits for is dropped); `forget` gives up on a command at once.
 */
export class PendingAcks<Ack> {
  private readonly waiting = new Map<string, (ack: Ack | null) => void>();

  constructor(private readonly timeoutMs: number) {}

  wait(commandId: string): Promise<Ack | null> {
    return new Promise<Ack | null>((resolve) => {
      const timer = setTimeout(() => this.finish(commandId, null), this.timeoutMs);
      this.waiting.set(commandId, (ack) => {
        clearTimeout(timer);
        resolve(ack);
      });
    });
  }

  settle(commandId: string, ack: Ack): void {
    this.finish(commandId, ack);
  }

  forget(commandId: string): void {
    this.finish(commandId, null);
  }

  private finish(commandId: string, ack: Ack | null): void {
    const resolve = this.waiting.get(commandId);
    this.waiting.delete(commandId);
    resolve?.(ack);
  }
}
