import type { ImageMode } from '@mgm/protocol';
import type { ImageInput } from '../image-input.ts';
import type { OnDemandPrefillThread } from './on-demand-prefill-thread.ts';
import type { EncodedImage, Prefilled, PrefillExecutor, PrefillRequest } from './prefill-executor.ts';

/**
 * The prefill thread only while the batch has rows decoding. With none there is no step to keep
 * going, and the hand-over to the thread and back costs a lone question ≈ 1 ms of its first token
 * (bench:serve, 2026-12-07): the model's own thread then does the work at once. Both paths give
 * bit-identical results, so the choice is per call.
 */
export class BusyOnlyPrefill implements PrefillExecutor {
  readonly concurrent = true;

  constructor(
    private readonly thread: Pick<OnDemandPrefillThread, 'current' | 'close'>,
    private readonly local: PrefillExecutor,
    private readonly decodingRows: () => number,
  ) {}

  private pick(): PrefillExecutor {
    return this.decodingRows() > 0 ? (this.thread.current() ?? this.local) : this.local;
  }

  encodeImage(image: ImageInput, mode: ImageMode | undefined): Promise<EncodedImage> {
    return this.pick().encodeImage(image, mode);
  }

  prefill(req: PrefillRequest): Promise<Prefilled> {
    return this.pick().prefill(req);
  }

  close(): Promise<void> {
    return this.thread.close();
  }
}
