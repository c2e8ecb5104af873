import type { Capability } from '@mgm/protocol';

/** What a checkpoint can do, from its manifest: HD (grid > 1) and HR mining (architecture mgm). */
export function capabilitiesOf(checkpoint: { architecture: 'mgm' | 'llava'; grid: number }): Capability[] {
  const capabilities: Capability[] = ['image', 'multi-turn'];
  if (checkpoint.grid > 1) capabilities.push('hd');
  if (checkpoint.architecture === 'mgm') capabilities.push('patch-info-mining');
  return capabilities;
}
