import { MgmError } from '@mgm/protocol';
import type { InferenceSession } from 'onnxruntime-node';
import type { Manifest } from './manifest.ts';

/** One expected input or output: a fixed dimension is a number, a free one null. */
export interface TensorContract {
  name: string;
  type: 'float32' | 'float16' | 'int64';
  dims: (number | null)[];
}

export interface GraphContract {
  graph: 'vision' | 'embed' | 'decoder';
  inputs: TensorContract[];
  outputs: TensorContract[];
  /** Outputs a graph may have (checked when present): graphs exported before them stay valid. */
  optionalOutputs?: TensorContract[];
}

/** The vision graph's patch-info-mining attention (models/README.md), read by the lens. */
export const MINING_ATTENTION = 'mining_attention';

export function layerName(template: string, layer: number): string {
  return template.replaceAll('{layer}', String(layer));
}

/** The graph contracts of models/README.md, instantiated for one manifest. */
export function graphContracts(m: Manifest): GraphContract[] {
  const img = m.image;
  const hidden = m.llm.hidden_size;
  const kv = m.kv_cache.dtype;
  const kvDims = [null, m.llm.num_kv_heads, null, m.llm.head_dim];
  const visionInputs: TensorContract[] = [
    { name: 'images', type: 'float32', dims: [null, img.views, 3, img.lr_size, img.lr_size] },
  ];
  if (m.architecture === 'mgm') {
    visionInputs.push({ name: 'images_aux', type: 'float32', dims: [null, 3, img.hr_size, img.hr_size] });
  }
  const past: TensorContract[] = [];
  const present: TensorContract[] = [];
  for (let i = 0; i < m.llm.num_layers; i++) {
    past.push({ name: layerName(m.kv_cache.past_key, i), type: kv, dims: kvDims });
    past.push({ name: layerName(m.kv_cache.past_value, i), type: kv, dims: kvDims });
    present.push({ name: layerName(m.kv_cache.present_key, i), type: kv, dims: kvDims });
    present.push({ name: layerName(m.kv_cache.present_value, i), type: kv, dims: kvDims });
  }
  return [
    {
      graph: 'vision',
      inputs: visionInputs,
      outputs: [{ name: 'image_features', type: 'float32', dims: [null, img.visual_tokens, hidden] }],
      optionalOutputs:
        m.architecture === 'mgm'
          ? [{ name: MINING_ATTENTION, type: 'float32', dims: [null, img.views, img.tokens_per_view, null] }]
          : [],
    },
    {
      graph: 'embed',
      inputs: [{ name: 'input_ids', type: 'int64', dims: [null, null] }],
      outputs: [{ name: 'inputs_embeds', type: 'float32', dims: [null, null, hidden] }],
    },
    {
      graph: 'decoder',
      inputs: [
        { name: 'inputs_embeds', type: 'float32', dims: [null, null, hidden] },
        { name: 'attention_mask', type: 'int64', dims: [null, null] },
        { name: 'position_ids', type: 'int64', dims: [null, null] },
        ...past,
      ],
      outputs: [{ name: 'logits', type: 'float32', dims: [null, null, m.llm.vocab_size] }, ...present],
    },
  ];
}

type Metadata = readonly InferenceSession.ValueMetadata[];

function checkSide(
  problems: string[],
  side: 'input' | 'output',
  expected: TensorContract[],
  names: readonly string[],
  metadata: Metadata | undefined,
  optional: TensorContract[] = [],
): void {
  const wanted = new Set([...expected, ...optional].map((e) => e.name));
  for (const name of names) {
    if (!wanted.has(name)) problems.push(`unexpected ${side} "${name}"`);
  }
  const present = optional.filter((o) => names.includes(o.name));
  for (const e of [...expected, ...present]) {
    if (!names.includes(e.name)) {
      problems.push(`missing ${side} "${e.name}"`);
      continue;
    }
    const meta = metadata?.find((x) => x.name === e.name);
    if (!meta || !meta.isTensor) continue;
    if (meta.type !== e.type) problems.push(`${side} "${e.name}" is ${meta.type}, expected ${e.type}`);
    if (meta.shape.length === 0) continue;
    if (meta.shape.length !== e.dims.length) {
      problems.push(`${side} "${e.name}" has rank ${meta.shape.length}, expected ${e.dims.length}`);
      continue;
    }
    e.dims.forEach((want, i) => {
      const got = meta.shape[i];
      if (want !== null && typeof got === 'number' && got !== want) {
        problems.push(`${side} "${e.name}" dim ${i} is ${got}, expected ${want}`);
      }
    });
  }
}

/** Throws GRAPH_MISMATCH listing every difference between a session and its contract. */
export function assertGraphContract(
  contract: GraphContract,
  session: Pick<InferenceSession, 'inputNames' | 'outputNames'> & {
    inputMetadata?: Metadata;
    outputMetadata?: Metadata;
  },
  file: string,
): void {
  const problems: string[] = [];
  checkSide(problems, 'input', contract.inputs, session.inputNames, session.inputMetadata);
  checkSide(problems, 'output', contract.outputs, session.outputNames, session.outputMetadata, contract.optionalOutputs);
  if (problems.length > 0) {
    throw new MgmError(
      'GRAPH_MISMATCH',
      `${contract.graph} graph ${file} does not follow the checkpoint contract (models/README.md): ${problems.join('; ')}`,
      { details: { graph: contract.graph, file, problems } },
    );
  }
}
