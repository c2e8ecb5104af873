/**
 * The prefill thread (see PrefillThread): its own vision, embed and decoder sessions of the
 * checkpoint; it runs their calls one at a time, in arrival order, and sends back typed arrays
 * (moved, not copied, where they own their buffer).
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { ImageMode } from '@mgm/protocol';
import { pino } from 'pino';
import { parseDevice } from '../execution-provider.ts';
import { type ImageInput, type VisionApi, assertImageTensors, encodeImage, isPreprocessedImage } from '../image-input.ts';
import { loadManifest } from '../manifest.ts';
import { createSessions } from '../sessions.ts';
import { createVision } from '../vision-adapter.ts';
import { runPrefill } from './prefill-executor.ts';
import {
  type PrefillThreadInit,
  type PrefillThreadReply,
  type PrefillThreadRequest,
  fromWireTensors,
  toWireError,
  toWireTensors,
  transferables,
} from './prefill-thread-messages.ts';

const port = parentPort;
if (!port) throw new Error('prefill-thread-main runs as a worker thread');
const init = workerData as PrefillThreadInit;
const send = (reply: PrefillThreadReply, transfer: ArrayBuffer[] = []) => port.postMessage(reply, transfer);
const now = (): number => performance.now();

try {
  const loaded = await loadManifest(init.checkpoint);
  const { manifest } = loaded;
  const sessions = await createSessions(loaded, {
    device: parseDevice('cpu'),
    dtype: init.dtype,
    logger: pino({ level: 'silent' }),
    intraOpThreads: init.intraOpThreads,
    allowSpinning: init.allowSpinning,
  });
  const vision: VisionApi | null = init.preprocess ? createVision() : null;
  const spec = vision?.parseSpec(manifest.image);

  // One onnxruntime call at a time (two at once would only share this thread's cores), in
  // arrival order; an image's decoding and preprocessing run before its turn, beside the call in
  // flight (sharp decodes on libuv's threads).
  let tail: Promise<unknown> = Promise.resolve();
  const inTurn = <T>(fn: () => Promise<T>): Promise<T> => {
    const result = tail.then(fn);
    tail = result.catch(() => undefined);
    return result;
  };

  const handle = async (req: PrefillThreadRequest): Promise<void> => {
    try {
      if (req.kind === 'encode') {
        const tp = now();
        const image = req.image as ImageInput;
        let img;
        if (isPreprocessedImage(image)) img = image;
        else if (vision) img = await vision.preprocess(image instanceof Uint8Array ? await vision.decodeImage(image) : image, spec, req.mode as ImageMode | undefined);
        else throw new Error('the prefill thread was given an image to preprocess but has no preprocessor');
        assertImageTensors(img, manifest);
        const preprocessMs = now() - tp;
        let visionMs = 0;
        const features = await inTurn(async () => {
          const tv = now();
          const out = await encodeImage(sessions.vision, img, manifest);
          visionMs = now() - tv;
          return out;
        });
        send({ id: req.id, kind: 'encoded', features, preprocessMs, visionMs }, transferables([features]));
        return;
      }
      const out = await inTurn(() =>
        runPrefill(sessions.embed, sessions.decoder, manifest, {
          ids: req.ids,
          imageAt: req.imageAt,
          visual: req.visual,
          features: req.features,
          prefix: req.prefix ? { past: fromWireTensors(req.prefix.past), length: req.prefix.length } : null,
          promptLength: req.promptLength,
        }),
      );
      const cache = toWireTensors(out.cache);
      const logits = out.logits.slice();
      send(
        { id: req.id, kind: 'prefilled', logits, cache, length: out.length, prefillMs: out.prefillMs },
        transferables([logits, ...Object.values(cache).map((t) => t.data as ArrayBufferView)]),
      );
    } catch (error) {
      send({ id: req.id, kind: 'error', error: toWireError(error) });
    }
  };

  port.on('message', (req: PrefillThreadRequest) => void handle(req));
  send({ kind: 'ready' });
} catch (error) {
  send({ kind: 'failed', error: toWireError(error) });
}
