import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { PreprocessedImage } from '../src/index.ts';

export const FIXTURES = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures');

export interface FixtureReference {
  prompt: string;
  prompt_ids: number[];
  image_at: number;
  images_dims: number[];
  images_aux_dims: number[];
  output_ids: number[];
  output_text: string;
}

/** A micro checkpoint made by fixtures/make_fixture.py: its reference and its image tensors. */
export async function loadFixture(name: 'micro-mgm' | 'micro-hd'): Promise<{
  dir: string;
  ref: FixtureReference;
  image: PreprocessedImage;
}> {
  const dir = path.join(FIXTURES, name);
  const ref = JSON.parse(await readFile(path.join(dir, 'reference.json'), 'utf8')) as FixtureReference;
  const bin = await readFile(path.join(dir, 'image.bin'));
  const floats = new Float32Array(bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.byteLength));
  const n = ref.images_dims.reduce((a, b) => a * b, 1);
  return {
    dir,
    ref,
    image: {
      images: floats.slice(0, n),
      imagesDims: ref.images_dims,
      imagesAux: floats.slice(n),
      imagesAuxDims: ref.images_aux_dims,
    },
  };
}
