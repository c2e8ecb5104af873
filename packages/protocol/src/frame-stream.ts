import { z } from 'zod';
import { streamFrameSchema, type StreamFrame } from './stream-frame.ts';

/**
 * A job's frames live in a Redis Stream whose entry ids are `0-(seq+1)`: the id is the sequence
 * number, so "frames after seq n" is `XRANGE key (0-(n+1) +` or `XREAD ... 0-(n+1)`, and Redis
 * itself refuses a duplicate. Each entry has two fields: `t` (the frame type) and `b` (the JSON
 * of the frame without jobId/seq/type).
 *
 * APPEND_FRAMES_LUA appends one or more frames atomically, in one round trip: it computes the
 * next seq, refuses to write after a terminal frame (seq -1), caps the stream length and
 * refreshes its expiry (once per call, not per frame). Frames after a terminal frame of the same
 * call are not written. With a second key (the job's cancel flag) it also says whether the job
 * was cancelled, so a worker checks the flag with every append at no extra round trip.
 * With ARGV[3] = '1' (the writer has appended to this stream before) a missing stream is not
 * created again from seq 0: Redis lost it, and frames from 0 would leave a gap for anyone who
 * had seen more; it answers seq -2 (STREAM_LOST_SEQ) and writes nothing.
 * With a third key (the BullMQ lock of the job) and ARGV[4] (the writer's lock token) it writes
 * only while the writer still holds the job: a worker the controller gave up on (its record
 * expired) and whose job went to another worker gets seq -3 (STREAM_REVOKED_SEQ) and writes
 * nothing, so a late writer never mixes its frames into the new worker's answer.
 * KEYS = [stream key, cancel key?, lock key?]; ARGV = [max length, ttl seconds, must exist?, lock
 * token ('' without a lock key), then type and body JSON of each frame].
 * Returns [seq of the last frame written, cancelled (0|1)].
 */
export const APPEND_FRAMES_LUA = `
local cancelled = 0
if KEYS[2] then cancelled = redis.call('EXISTS', KEYS[2]) end
if KEYS[3] and redis.call('GET', KEYS[3]) ~= ARGV[4] then return {-3, cancelled} end
local last = redis.call('XREVRANGE', KEYS[1], '+', '-', 'COUNT', 1)
local seq = -1
if #last == 0 and ARGV[3] == '1' then return {-2, cancelled} end
if #last > 0 then
  local fields = last[1][2]
  for i = 1, #fields, 2 do
    if fields[i] == 't' and (fields[i + 1] == 'end' or fields[i + 1] == 'error') then
      return {-1, cancelled}
    end
  end
  seq = tonumber(string.match(last[1][1], '%-(%d+)$')) - 1
end
for i = 5, #ARGV, 2 do
  seq = seq + 1
  redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[1], '0-' .. (seq + 1), 't', ARGV[i], 'b', ARGV[i + 1])
  if ARGV[i] == 'end' or ARGV[i] == 'error' then break end
end
redis.call('EXPIRE', KEYS[1], ARGV[2])
return {seq, cancelled}
`;

/** The ARGV of APPEND_FRAMES_LUA after its first four: type and body of each frame, in order. */
export function encodeFrames(frames: readonly UnsequencedFrame[]): string[] {
  return frames.flatMap((frame) => encodeFrame(frame));
}

/** What APPEND_FRAMES_LUA answers when a stream the writer appended to before is gone. */
export const STREAM_LOST_SEQ = -2;

/** What APPEND_FRAMES_LUA answers a writer whose lock on the job is gone (the job was given to another worker). */
export const STREAM_REVOKED_SEQ = -3;

/** Frames of a job are capped at this many entries (maxNewTokens ≤ 4096 deltas, twice for a retry). */
export const FRAME_STREAM_MAX_LENGTH = 10_000;

export type FrameBody<T extends StreamFrame['type'] = StreamFrame['type']> = Omit<
  Extract<StreamFrame, { type: T }>,
  'jobId' | 'seq' | 'type'
>;

/** A frame without its jobId and seq, as a writer hands it to APPEND_FRAMES_LUA. */
export type UnsequencedFrame = { [T in StreamFrame['type']]: { type: T } & FrameBody<T> }[StreamFrame['type']];

export function encodeFrame(frame: UnsequencedFrame): [type: string, body: string] {
  const { type, ...body } = frame;
  return [type, JSON.stringify(body)];
}

/** The stream entry id that XREAD / exclusive XRANGE start from to get the frames after `seq`. */
export function streamIdAfterSeq(seq: number): string {
  return `0-${seq + 1}`;
}

export function seqFromStreamId(id: string): number {
  const match = /^0-(\d+)$/.exec(id);
  if (!match) throw new Error(`not a frame stream id: ${id}`);
  return Number(match[1]) - 1;
}

const entryFieldsSchema = z.tuple([z.literal('t'), z.string(), z.literal('b'), z.string()]);

/** Decodes one stream entry (id + flat field list as ioredis returns it) into a validated frame. */
export function decodeFrameEntry(jobId: string, id: string, fields: string[]): StreamFrame {
  const [, type, , body] = entryFieldsSchema.parse(fields);
  return streamFrameSchema.parse({ ...JSON.parse(body), jobId, seq: seqFromStreamId(id), type });
}
