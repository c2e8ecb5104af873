/**
 * A first-come-first-served async mutex around the heavy onnxruntime calls of one model (vision,
 * prefill, a batched decode step): on a few cores, two of them at once only share the cores and
 * thrash their thread pools, so arrivals' prefills and the batch's steps take turns instead.
 */
export class ComputeLock {
  private tail: Promise<void> = Promise.resolve();

  run<T>(fn: () => Promise<T>): Promise<T> {
    const result = this.tail.then(fn);
    this.tail = result.then(
      () => undefined,
      () => undefined,
    );
    return result;
  }
}
