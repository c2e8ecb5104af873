import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { MgmError } from '@mgm/protocol';
import type { InferenceSession } from 'onnxruntime-node';

export interface DeviceChoice {
  /** Normalised device string: `cpu`, `cuda:N`, `webgpu`. */
  device: string;
  /** onnxruntime-node backend name. */
  backend: 'cpu' | 'cuda' | 'webgpu';
  /** Name of the execution provider as onnxruntime reports it. */
  executionProvider: 'CPUExecutionProvider' | 'CUDAExecutionProvider' | 'WebGpuExecutionProvider';
  providers: InferenceSession.ExecutionProviderConfig[];
}

/** Parses `cpu` (default), `cuda`, `cuda:N` or `webgpu`. */
export function parseDevice(device: string | undefined): DeviceChoice {
  const d = (device ?? 'cpu').trim().toLowerCase();
  if (d === 'cpu') {
    return { device: 'cpu', backend: 'cpu', executionProvider: 'CPUExecutionProvider', providers: ['cpu'] };
  }
  const cuda = /^cuda(?::(\d+))?$/.exec(d);
  if (cuda) {
    const deviceId = Number(cuda[1] ?? 0);
    return {
      device: `cuda:${deviceId}`,
      backend: 'cuda',
      executionProvider: 'CUDAExecutionProvider',
      providers: [{ name: 'cuda', deviceId }],
    };
  }
  if (d === 'webgpu') {
    return { device: 'webgpu', backend: 'webgpu', executionProvider: 'WebGpuExecutionProvider', providers: ['webgpu'] };
  }
  throw new MgmError('BAD_REQUEST', `unknown device "${device}": use cpu, cuda, cuda:N or webgpu`);
}

export interface SupportedBackend {
  name: string;
  bundled: boolean;
}

/** Where onnxruntime-node keeps its native libraries for this platform. */
export function onnxruntimeBinDir(): string {
  const require = createRequire(import.meta.url);
  const pkg = require.resolve('onnxruntime-node/package.json');
  return path.join(path.dirname(pkg), 'bin', 'napi-v6', process.platform, process.arch);
}

const CUDA_HELP =
  'The CUDA libraries of onnxruntime-node are an install-time download that offline installs (and this ' +
  "repo's npm allowScripts policy) skip. On a host with CUDA 12 and cuDNN 9, run " +
  '`ONNXRUNTIME_NODE_INSTALL=cuda12 node node_modules/onnxruntime-node/script/install.js` from the repo root ' +
  '(or `npm rebuild onnxruntime-node --onnxruntime-node-install=cuda12`), then load the model again.';

/**
 * Fails with PROVIDER_UNAVAILABLE when the requested provider cannot run in the installed
 * onnxruntime-node. Never falls back to another provider.
 */
export function assertProviderAvailable(
  choice: DeviceChoice,
  backends: readonly SupportedBackend[],
  fileExists: (p: string) => boolean = existsSync,
  binDir: string = onnxruntimeBinDir(),
): void {
  if (choice.backend === 'cpu') return;
  const names = backends.map((b) => b.name).join(', ');
  const backend = backends.find((b) => b.name === choice.backend);
  if (!backend) {
    throw new MgmError(
      'PROVIDER_UNAVAILABLE',
      `execution provider "${choice.backend}" is not built into this onnxruntime-node for ${process.platform}/${process.arch} ` +
        `(it offers: ${names})` +
        (choice.backend === 'cuda' ? `. ${CUDA_HELP}` : '. Use --device cpu, or a platform build that includes it.'),
      { details: { device: choice.device, available: names } },
    );
  }
  if (backend.bundled) return;
  const required =
    choice.backend === 'cuda' ? ['libonnxruntime_providers_shared.so', 'libonnxruntime_providers_cuda.so'] : [];
  const missing = required.filter((f) => !fileExists(path.join(binDir, f)));
  if (missing.length > 0) {
    throw new MgmError(
      'PROVIDER_UNAVAILABLE',
      `execution provider "${choice.backend}" is not installed: ${missing.join(', ')} missing in ${binDir}. ${CUDA_HELP}`,
      { details: { device: choice.device, missing } },
    );
  }
}

/** Wraps a session-creation failure on a non-CPU provider (no driver, no GPU, wrong CUDA). */
export function providerFailure(choice: DeviceChoice, cause: unknown): MgmError {
  const why = cause instanceof Error ? cause.message : String(cause);
  return new MgmError(
    'PROVIDER_UNAVAILABLE',
    `execution provider "${choice.device}" failed to start: ${why}` +
      (choice.backend === 'cuda' ? ` ${CUDA_HELP}` : '') +
      (choice.backend === 'webgpu' ? ' WebGPU needs a GPU adapter: on Linux a Vulkan driver and libvulkan1.' : ''),
    { cause, details: { device: choice.device } },
  );
}
