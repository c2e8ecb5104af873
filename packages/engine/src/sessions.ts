import { access } from 'node:fs/promises';
import path from 'node:path';
import { MgmError } from '@mgm/protocol';
import * as ort from 'onnxruntime-node';
import type { Logger } from 'pino';
import { type DeviceChoice, assertProviderAvailable, providerFailure } from './execution-provider.ts';
import { assertGraphContract, graphContracts } from './graph-contract.ts';
import type { LoadedManifest } from './manifest.ts';

export type Dtype = 'fp32' | 'fp16' | 'q8' | 'q4';

export interface ModelSessions {
  vision: ort.InferenceSession;
  embed: ort.InferenceSession;
  decoder: ort.InferenceSession;
  files: { vision: string; embed: string; decoder: string };
}

/** The graph files of one dtype: `files` for fp32, `variants[dtype]` otherwise. */
export function graphFilesFor(loaded: LoadedManifest, dtype: Dtype): ModelSessions['files'] {
  const { manifest, dir } = loaded;
  const files = dtype === 'fp32' ? manifest.files : manifest.variants?.[dtype];
  if (!files) {
    const have = ['fp32', ...Object.keys(manifest.variants ?? {})].join(', ');
    throw new MgmError(
      'CHECKPOINT_FILE_MISSING',
      `checkpoint ${manifest.name} has no ${dtype} graphs (it ships: ${have})`,
      { details: { dtype, available: have } },
    );
  }
  return {
    vision: path.resolve(dir, files.vision),
    embed: path.resolve(dir, files.embed),
    decoder: path.resolve(dir, files.decoder),
  };
}

export async function assertFileExists(file: string, what: string): Promise<void> {
  try {
    await access(file);
  } catch (cause) {
    throw new MgmError('CHECKPOINT_FILE_MISSING', `checkpoint file missing: ${what} ${file} does not exist`, {
      cause,
      details: { path: file },
    });
  }
}

export interface SessionOptions {
  device: DeviceChoice;
  dtype: Dtype;
  /** Threads per operator; onnxruntime's default (all cores) when absent. */
  intraOpThreads?: number;
  /** Let onnxruntime's pool threads spin between runs (default off, see createSessions). */
  allowSpinning?: boolean;
  logger: Logger;
}

/** Creates the three sessions and checks each one against its graph contract. */
export async function createSessions(loaded: LoadedManifest, opts: SessionOptions): Promise<ModelSessions> {
  const files = graphFilesFor(loaded, opts.dtype);
  for (const [graph, file] of Object.entries(files)) await assertFileExists(file, `${graph} graph`);
  assertProviderAvailable(opts.device, ort.listSupportedBackends());

  // Spinning is off by default: each session has its own thread pool, and pool threads that
  // spin after a run (vision's after the image, embed's between decode steps) take the cores the
  // next run needs. Measured on the shared 2-core machine: decode ~1.5x faster without it.
  const spin = opts.allowSpinning ? '1' : '0';
  const sessionOptions: ort.InferenceSession.SessionOptions = {
    executionProviders: opts.device.providers,
    graphOptimizationLevel: 'all',
    ...(opts.intraOpThreads ? { intraOpNumThreads: opts.intraOpThreads, interOpNumThreads: 1 } : {}),
    extra: { session: { intra_op: { allow_spinning: spin }, inter_op: { allow_spinning: spin } } },
  };
  const created: ort.InferenceSession[] = [];
  const open = async (file: string): Promise<ort.InferenceSession> => {
    try {
      const s = await ort.InferenceSession.create(file, sessionOptions);
      created.push(s);
      return s;
    } catch (cause) {
      if (opts.device.backend !== 'cpu') throw providerFailure(opts.device, cause);
      throw new MgmError('GRAPH_MISMATCH', `cannot load ONNX graph ${file}: ${(cause as Error).message}`, { cause });
    }
  };
  try {
    const [vision, embed, decoder] = [await open(files.vision), await open(files.embed), await open(files.decoder)];
    const sessions = { vision, embed, decoder };
    for (const contract of graphContracts(loaded.manifest)) {
      assertGraphContract(contract, sessions[contract.graph], files[contract.graph]);
    }
    opts.logger.debug({ files, device: opts.device.device }, 'sessions created');
    return { ...sessions, files };
  } catch (err) {
    await Promise.all(created.map((s) => s.release()));
    throw err;
  }
}
