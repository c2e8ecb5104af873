/** An axis-aligned box in the pixel coordinates of the image it was found on. */
export interface TextBox {
  x: number;
  y: number;
  width: number;
  height: number;
  /** Mean text probability inside the detected region. */
  score: number;
}

export interface DbPostprocessOptions {
  /** Probability above which a pixel is text (PaddleOCR det_db_thresh). */
  threshold: number;
  /** Minimum mean probability of a region (det_db_box_thresh). */
  boxThreshold: number;
  /** How far a shrunk DB region is grown back (det_db_unclip_ratio). */
  unclipRatio: number;
  /** Regions whose shorter side is below this many map pixels are noise. */
  minSize: number;
}

export const DEFAULT_DB_OPTIONS: DbPostprocessOptions = { threshold: 0.3, boxThreshold: 0.6, unclipRatio: 1.5, minSize: 3 };

/**
 * DB (differentiable binarisation) post-processing on a [height, width] probability map: threshold,
 * 8-connected components, one bounding box per component scored by its mean probability, then
 * "unclip" (DB predicts shrunk text kernels): the box grows by area * ratio / perimeter on each
 * side, as pyclipper's offset does for a rectangle. Boxes are in map coordinates, clamped to it.
 */
export function dbBoxes(prob: Float32Array, width: number, height: number, opts: DbPostprocessOptions = DEFAULT_DB_OPTIONS): TextBox[] {
  const labels = new Int32Array(width * height);
  const boxes: TextBox[] = [];
  const stack: number[] = [];
  let next = 0;
  for (let start = 0; start < prob.length; start++) {
    if (labels[start] !== 0 || (prob[start] as number) <= opts.threshold) continue;
    next++;
    labels[start] = next;
    stack.push(start);
    let minX = width;
    let minY = height;
    let maxX = -1;
    let maxY = -1;
    let sum = 0;
    let count = 0;
    while (stack.length > 0) {
      const i = stack.pop() as number;
      const x = i % width;
      const y = (i - x) / width;
      sum += prob[i] as number;
      count++;
      if (x < minX) minX = x;
      if (x > maxX) maxX = x;
      if (y < minY) minY = y;
      if (y > maxY) maxY = y;
      for (let dy = -1; dy <= 1; dy++) {
        const ny = y + dy;
        if (ny < 0 || ny >= height) continue;
        for (let dx = -1; dx <= 1; dx++) {
          const nx = x + dx;
          if (nx < 0 || nx >= width || (dx === 0 && dy === 0)) continue;
          const j = ny * width + nx;
          if (labels[j] === 0 && (prob[j] as number) > opts.threshold) {
            labels[j] = next;
            stack.push(j);
          }
        }
      }
    }
    const w = maxX - minX + 1;
    const h = maxY - minY + 1;
    if (Math.min(w, h) < opts.minSize) continue;
    const score = sum / count;
    if (score < opts.boxThreshold) continue;
    const d = (w * h * opts.unclipRatio) / (2 * (w + h));
    const x0 = Math.max(0, Math.floor(minX - d));
    const y0 = Math.max(0, Math.floor(minY - d));
    const x1 = Math.min(width, Math.ceil(maxX + 1 + d));
    const y1 = Math.min(height, Math.ceil(maxY + 1 + d));
    boxes.push({ x: x0, y: y0, width: x1 - x0, height: y1 - y0, score });
  }
  return sortReadingOrder(boxes);
}

/** Top to bottom, then left to right for boxes on the same line (PaddleOCR's sorted_boxes). */
export function sortReadingOrder(boxes: TextBox[]): TextBox[] {
  const sorted = [...boxes].sort((a, b) => a.y - b.y || a.x - b.x);
  for (let i = 1; i < sorted.length; i++) {
    for (let j = i; j > 0; j--) {
      const a = sorted[j - 1] as TextBox;
      const b = sorted[j] as TextBox;
      if (Math.abs(b.y - a.y) < 10 && b.x < a.x) {
        sorted[j - 1] = b;
        sorted[j] = a;
      } else break;
    }
  }
  return sorted;
}
