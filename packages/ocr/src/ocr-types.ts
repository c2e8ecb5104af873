/** One line of text found in an image: what it says, how sure, and where (original pixels). */
export interface OcrLine {
  text: string;
  confidence: number;
  box: { x: number; y: number; width: number; height: number };
  /** Which recogniser read it: PaddleOCR's, or the bitmap-font reader (`readDotFont`). */
  reader?: 'paddle' | 'dot-font';
}
