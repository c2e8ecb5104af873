import type { Redis } from 'ioredis';
import { APPEND_FRAMES_LUA, FRAME_STREAM_MAX_LENGTH, encodeFrames, type UnsequencedFrame } from '@mgm/protocol';

/**
 * Appends a frame to a job's stream unless the stream already ended; returns its seq or -1.
 * The controller writes the frames of jobs no worker can end (stopped before start, worker lost).
 */
export async function appendFrame(redis: Redis, streamKey: string, frame: UnsequencedFrame, ttlSeconds: number): Promise<number> {
  const [seq] = (await redis.eval(APPEND_FRAMES_LUA, 1, streamKey, FRAME_STREAM_MAX_LENGTH, ttlSeconds, '0', '', ...encodeFrames([frame]))) as [number, number];
  return seq;
}

export function abortedEndFrame(enqueuedAt: number): UnsequencedFrame {
  return {
    type: 'end',
    finishReason: 'abort',
    tokens: { prompt: 0, visual: 0, generated: 0 },
    timingsMs: { queue: Math.max(0, Date.now() - enqueuedAt), preprocess: 0, vision: 0, prefill: 0, ttft: 0, decode: 0, total: 0 },
    tokensPerSecond: 0,
    text: '',
  };
}
