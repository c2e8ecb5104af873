import { describe, expect, it } from 'vitest';
import { decodeFrameEntry, encodeFrame, seqFromStreamId, streamIdAfterSeq } from './frame-stream.ts';

describe('frame stream codec', () => {
  it('round-trips a frame through the entry fields', () => {
    const [type, body] = encodeFrame({ type: 'delta', text: 'héllo' });
    expect(decodeFrameEntry('job1', '0-3', ['t', type, 'b', body])).toEqual({ jobId: 'job1', seq: 2, type: 'delta', text: 'héllo' });
  });

  it('maps seq to stream ids and back', () => {
    expect(streamIdAfterSeq(-1)).toBe('0-0');
    expect(streamIdAfterSeq(4)).toBe('0-5');
    expect(seqFromStreamId('0-5')).toBe(4);
    expect(() => seqFromStreamId('1700000000000-0')).toThrow();
  });

  it('rejects an entry that is not a valid frame', () => {
    expect(() => decodeFrameEntry('j', '0-1', ['t', 'delta', 'b', '{}'])).toThrow();
    expect(() => decodeFrameEntry('j', '0-1', ['x', 'delta'])).toThrow();
  });
});
