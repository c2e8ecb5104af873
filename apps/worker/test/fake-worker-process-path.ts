import { fileURLToPath } from 'node:url';

/** Absolute path of the fake worker process script (run it with `node --import tsx`). */
export const fakeWorkerProcessPath = fileURLToPath(new URL('./fake-worker-process.ts', import.meta.url));
