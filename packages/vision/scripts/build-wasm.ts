import { writeFile } from 'node:fs/promises';
import { compileKernels, kernelsModule, renderKernelsModule } from './compile-kernels.ts';

const binary = await compileKernels();
await writeFile(kernelsModule, renderKernelsModule(binary));
process.stdout.write(`wrote ${kernelsModule.pathname} (${binary.length} bytes of wasm)\n`);
