import { type ErrorCode, MgmError, errorCodeSchema } from '@mgm/protocol';
import * as ort from 'onnxruntime-node';
import type { Dtype } from '../sessions.ts';

/** Typed arrays as they cross the thread boundary (ort.Tensor does not survive a structured clone). */
export interface WireTensor {
  type: ort.Tensor.Type;
  data: ort.Tensor.DataType;
  dims: readonly number[];
}

export interface PrefillThreadInit {
  /** The checkpoint folder (or its mgm.json). */
  checkpoint: string;
  dtype: Dtype;
  intraOpThreads?: number;
  allowSpinning?: boolean;
  /** Decode and preprocess encoded images in the thread (with @mgm/vision); else only tensors arrive. */
  preprocess: boolean;
}

export type PrefillThreadRequest =
  | { id: number; kind: 'encode'; image: unknown; mode: string | undefined }
  | {
      id: number;
      kind: 'prefill';
      ids: number[];
      imageAt: number;
      visual: number;
      features: Float32Array | null;
      prefix: { past: Record<string, WireTensor>; length: number } | null;
      promptLength: number;
    };

export type PrefillThreadReply =
  | { kind: 'ready' }
  | { kind: 'failed'; error: WireError }
  | { id: number; kind: 'encoded'; features: Float32Array; preprocessMs: number; visionMs: number }
  | { id: number; kind: 'prefilled'; logits: Float32Array; cache: Record<string, WireTensor>; length: number; prefillMs: number }
  | { id: number; kind: 'error'; error: WireError };

export interface WireError {
  code: ErrorCode | null;
  message: string;
  details?: Record<string, unknown>;
}

export function toWireTensors(tensors: Record<string, ort.Tensor>): Record<string, WireTensor> {
  return Object.fromEntries(Object.entries(tensors).map(([name, t]) => [name, { type: t.type, data: t.data, dims: [...t.dims] }]));
}

export function fromWireTensors(wire: Record<string, WireTensor>): Record<string, ort.Tensor> {
  return Object.fromEntries(
    Object.entries(wire).map(([name, t]) => [name, new ort.Tensor(t.type as 'float32', t.data as Float32Array, [...t.dims])]),
  );
}

/** The buffers of `arrays` that can move to the other thread without a copy (each one's own, whole buffer). */
export function transferables(arrays: readonly (ArrayBufferView | null | undefined)[]): ArrayBuffer[] {
  const out = new Set<ArrayBuffer>();
  for (const a of arrays) {
    if (a && a.buffer instanceof ArrayBuffer && a.byteOffset === 0 && a.byteLength === a.buffer.byteLength) out.add(a.buffer);
  }
  return [...out];
}

export function toWireError(error: unknown): WireError {
  if (error instanceof MgmError) return { code: error.code, message: error.message, ...(error.details ? { details: error.details } : {}) };
  return { code: null, message: (error as Error)?.message ?? String(error) };
}

export function fromWireError(error: WireError): Error {
  const code = errorCodeSchema.safeParse(error.code);
  if (code.success) return new MgmError(code.data, error.message, error.details ? { details: error.details } : undefined);
  return new Error(error.message);
}
