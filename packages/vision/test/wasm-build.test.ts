import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { compileKernels, kernelsModule, renderKernelsModule } from '../scripts/compile-kernels.ts';

describe('WebAssembly kernels', () => {
  it('src/wasm/kernels-wasm.ts is the build of assembly/resample.ts (run `npm run build:wasm -w @mgm/vision`)', async () => {
    const binary = await compileKernels();
    expect(await readFile(kernelsModule, 'utf8')).toBe(renderKernelsModule(binary));
  }, 120_000);
});
