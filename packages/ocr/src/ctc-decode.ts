/** One line of recognised text with its confidence (mean of the kept steps' max probability). */
export interface CtcText {
  text: string;
  confidence: number;
}

/**
 * CTC greedy decoding as PaddleOCR's CTCLabelDecode does: per time step take the arg-max class,
 * drop repeats of the previous step and the blank (class 0); class i > 0 is `charset[i - 1]`.
 * `probs` is [steps, classes] row-major (softmax already applied by the graph).
 */
export function ctcGreedyDecode(probs: Float32Array, steps: number, classes: number, charset: readonly string[]): CtcText {
  let text = '';
  let sum = 0;
  let kept = 0;
  let prev = -1;
  for (let t = 0; t < steps; t++) {
    const row = t * classes;
    let best = 0;
    let bestP = probs[row] as number;
    for (let c = 1; c < classes; c++) {
      const p = probs[row + c] as number;
      if (p > bestP) {
        bestP = p;
        best = c;
      }
    }
    if (best !== 0 && best !== prev) {
      text += charset[best - 1] ?? '';
      sum += bestP;
      kept++;
    }
    prev = best;
  }
  return { text, confidence: kept === 0 ? 0 : sum / kept };
}
