import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as ort from 'onnxruntime-node';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

/**
 * The shipped checkpoints the lens tests read: models/ (or MGM_LENS_MODELS, a folder of
 * re-exported copies, while models/ lags behind).
 */
export function lensModelDir(name: string): string {
  return path.join(process.env.MGM_LENS_MODELS ?? path.join(REPO, 'models'), name);
}

/** Whether a checkpoint's vision graph has the mining_attention output. */
export async function hasMiningAttention(dir: string): Promise<boolean> {
  const session = await ort.InferenceSession.create(path.join(dir, 'vision.onnx'));
  try {
    return session.outputNames.includes('mining_attention');
  } finally {
    await session.release();
  }
}
