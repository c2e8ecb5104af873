import { describe, expect, it } from 'vitest';
import { checkpointName, formatAge, formatCount, formatDuration, shortProvider } from './admin-format.ts';

describe('admin formatting', () => {
  it('writes durations and ages compactly', () => {
    expect(formatDuration(12_400)).toBe('12 s');
    expect(formatDuration(250_000)).toBe('4 m 10 s');
    expect(formatDuration(2 * 3600_000 + 5 * 60_000)).toBe('2 h 5 m');
    expect(formatDuration(3 * 86_400_000 + 4 * 3600_000)).toBe('3 d 4 h');
    expect(formatDuration(-5)).toBe('0 s');
    expect(formatAge(1234)).toBe('1.2 s');
    expect(formatAge(125_000)).toBe('2 m 5 s');
  });

  it('shortens providers, checkpoints and counts', () => {
    expect(shortProvider('CPUExecutionProvider')).toBe('CPU');
    expect(shortProvider('CUDAExecutionProvider')).toBe('CUDA');
    expect(shortProvider('loading')).toBe('loading');
    expect(checkpointName('/srv/models/mgm-tiny/')).toBe('mgm-tiny');
    expect(checkpointName('C:\\models\\mgm-2b')).toBe('mgm-2b');
    expect(formatCount(999)).toBe('999');
    expect(formatCount(1234)).toBe('1.2k');
    expect(formatCount(45_000)).toBe('45k');
  });
});
