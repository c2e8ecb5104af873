import type { OcrLine } from './ocr-types.ts';

/** MGM's cut-off: OCR results at or below this confidence are not shown to the model. */
export const OCR_MIN_CONFIDENCE = 0.1;

/**
 * The OCR text MGM gives the model: the texts of results above the confidence cut-off joined
 * with ", " (mgm/serve/model_worker.py). Null when nothing is left.
 */
export function ocrTokenText(lines: readonly OcrLine[], minConfidence = OCR_MIN_CONFIDENCE): string | null {
  const kept = lines.filter((l) => l.confidence > minConfidence && l.text.trim().length > 0).map((l) => l.text.trim());
  return kept.length > 0 ? kept.join(', ') : null;
}
