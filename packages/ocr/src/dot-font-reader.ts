/**
 * A recogniser for bitmap ("dot-matrix") fonts such as the 5x7 digits the synthetic scenes print:
 * PaddleOCR's recogniser was trained on typeset text and reads their slashed zero as 8, 6 or 9.
 *
 * It reads a text box found by detection, wherever it is and at any scale of about 1.5 pixels
 * per dot or more (integer or not, sharp or smoothed): the box is binarised (Otsu), the ink's
 * height gives the dot pitch (every glyph of the font spans all its rows), the ink columns
 * split into glyphs, and each glyph's grid of dots is sampled and matched against the font's
 * bitmaps. It answers null, so that the caller falls back to the generic recogniser, unless
 * every glyph matches cleanly: printed text in other fonts does not sample to crisp dots.
 */

export interface DotFont {
  /** Glyph bitmaps, one string of '0'/'1' per row, all of the same size. */
  glyphs: Readonly<Record<string, readonly string[]>>;
  /** Blank dot columns between two glyphs. */
  spacing: number;
}

export interface GrayRegion {
  /** Luminance 0..255, row-major, `width * height` values. */
  data: Uint8Array;
  width: number;
  height: number;
}

export interface DotFontReading {
  text: string;
  /** 1 when every sampled dot is fully ink or fully background; lower as dots blur. */
  confidence: number;
}

/** Mean per-dot ambiguity above which a reading is refused (0 = crisp, 0.5 = grey). */
const MAX_AMBIGUITY = 0.2;
/** Smallest contrast between ink and background (grey levels) worth reading. */
const MIN_CONTRAST = 60;
const MIN_PITCH_PX = 1.5;

interface Glyph {
  char: string;
  bits: Uint8Array;
  /** Columns of the glyph that hold ink (first, last). */
  firstCol: number;
  lastCol: number;
}

/** Prepares a font for `readDotFont` (checks that every glyph has the same size). */
export function compileDotFont(font: DotFont): CompiledDotFont {
  const entries = Object.entries(font.glyphs);
  const rows = entries[0]?.[1].length ?? 0;
  const cols = entries[0]?.[1][0]?.length ?? 0;
  if (rows === 0 || cols === 0) throw new Error('a dot font needs at least one glyph');
  const glyphs: Glyph[] = entries.map(([char, bitmap]) => {
    if (bitmap.length !== rows || bitmap.some((row) => row.length !== cols)) throw new Error(`glyph "${char}" is not ${cols}x${rows}`);
    const bits = Uint8Array.from(bitmap.join(''), (c) => (c === '1' ? 1 : 0));
    const used = [...Array(cols).keys()].filter((c) => bitmap.some((row) => row[c] === '1'));
    return { char, bits, firstCol: used[0] ?? 0, lastCol: used.at(-1) ?? cols - 1 };
  });
  return { glyphs, rows, cols, spacing: font.spacing };
}

export interface CompiledDotFont {
  glyphs: readonly Glyph[];
  rows: number;
  cols: number;
  spacing: number;
}

/** Reads the region as text in `font`, or null when it is not that font (see the file comment). */
export function readDotFont(region: GrayRegion, font: CompiledDotFont): DotFontReading | null {
  const { width, height, data } = region;
  if (width < 2 || height < 2) return null;
  const split = otsu(data);
  if (split === null || split.contrast < MIN_CONTRAST) return null;
  // Ink is the minority class: dark print on a light ground, or light print on a dark one.
  const darkIsInk = split.darkCount <= data.length - split.darkCount;
  const ink = new Uint8Array(data.length);
  for (let i = 0; i < data.length; i++) ink[i] = (data[i] as number) <= split.threshold === darkIsInk ? 1 : 0;

  const rowHasInk = (y: number): boolean => {
    for (let x = 0; x < width; x++) if (ink[y * width + x]) return true;
    return false;
  };
  let top = 0;
  while (top < height && !rowHasInk(top)) top++;
  let bottom = height - 1;
  while (bottom > top && !rowHasInk(bottom)) bottom--;
  if (top >= height) return null;
  const pitch = (bottom - top + 1) / font.rows;
  if (pitch < MIN_PITCH_PX) return null;

  const runs = inkColumnRuns(ink, width, top, bottom, pitch);
  if (runs.length === 0) return null;
  let text = '';
  let ambiguitySum = 0;
  let previousOrigin: number | null = null;
  const advance = (font.cols + font.spacing) * pitch;
  for (const run of runs) {
    const match = matchGlyph(ink, width, top, pitch, run, font);
    if (!match) return null;
    if (previousOrigin !== null) {
      const step = match.origin - previousOrigin;
      if (step < advance - 0.6 * pitch) return null;
      // A gap of a whole glyph or more between two glyphs is a space.
      if (step > advance * 1.5) text += ' ';
    }
    previousOrigin = match.origin;
    text += match.char;
    ambiguitySum += match.ambiguity;
  }
  const ambiguity = ambiguitySum / runs.length;
  return { text, confidence: 1 - 2 * ambiguity };
}

interface ColumnRun {
  left: number;
  right: number;
}

/** Runs of columns holding ink between `top` and `bottom`; gaps narrower than half a dot are smoothing, not gaps. */
function inkColumnRuns(ink: Uint8Array, width: number, top: number, bottom: number, pitch: number): ColumnRun[] {
  const runs: ColumnRun[] = [];
  for (let x = 0; x < width; x++) {
    let any = false;
    for (let y = top; y <= bottom && !any; y++) any = ink[y * width + x] === 1;
    if (!any) continue;
    const last = runs.at(-1);
    if (last && x - last.right - 1 < pitch / 2) last.right = x;
    else runs.push({ left: x, right: x });
  }
  return runs;
}

interface GlyphMatch {
  char: string;
  origin: number;
  ambiguity: number;
}

/**
 * The glyph a run of ink columns shows: the glyph's cell may start before the run (a "1" has no
 * ink in its first column), so each glyph is tried at the origin its own inked columns imply.
 * Accepted only when the sampled dots equal the glyph's bitmap exactly and no other glyph comes
 * within two dots of them.
 */
function matchGlyph(ink: Uint8Array, width: number, top: number, pitch: number, run: ColumnRun, font: CompiledDotFont): GlyphMatch | null {
  const runCols = (run.right - run.left + 1) / pitch;
  if (runCols > font.cols + 0.6 || runCols < 0.5) return null;
  let best: { glyph: Glyph; origin: number; distance: number; ambiguity: number } | null = null;
  let secondDistance = Number.POSITIVE_INFINITY;
  const tried = new Map<number, { bits: Uint8Array; ambiguity: number }>();
  for (const glyph of font.glyphs) {
    const inkedCols = glyph.lastCol - glyph.firstCol + 1;
    if (Math.abs(inkedCols - runCols) > 0.6) continue;
    const origin = run.left - glyph.firstCol * pitch;
    const key = Math.round(origin * 4);
    let sampled = tried.get(key);
    if (!sampled) {
      sampled = sampleGrid(ink, width, origin, top, pitch, font);
      tried.set(key, sampled);
    }
    if (!sampled) continue;
    let distance = 0;
    for (let i = 0; i < glyph.bits.length; i++) if (glyph.bits[i] !== sampled.bits[i]) distance++;
    if (!best || distance < best.distance) {
      if (best) secondDistance = Math.min(secondDistance, best.distance);
      best = { glyph, origin, distance, ambiguity: sampled.ambiguity };
    } else secondDistance = Math.min(secondDistance, distance);
  }
  if (!best || best.distance !== 0 || secondDistance < 2 || best.ambiguity > MAX_AMBIGUITY) return null;
  return { char: best.glyph.char, origin: best.origin, ambiguity: best.ambiguity };
}

/** The font's grid of dots at `origin`: each dot's ink share over its central half. */
function sampleGrid(ink: Uint8Array, width: number, originX: number, top: number, pitch: number, font: CompiledDotFont): { bits: Uint8Array; ambiguity: number } {
  const bits = new Uint8Array(font.rows * font.cols);
  let ambiguity = 0;
  const inset = pitch / 4;
  const height = ink.length / width;
  for (let r = 0; r < font.rows; r++) {
    for (let c = 0; c < font.cols; c++) {
      const x0 = Math.floor(originX + c * pitch + inset);
      const x1 = Math.ceil(originX + (c + 1) * pitch - inset);
      const y0 = Math.floor(top + r * pitch + inset);
      const y1 = Math.ceil(top + (r + 1) * pitch - inset);
      let on = 0;
      let all = 0;
      for (let y = Math.max(0, y0); y < Math.min(height, y1); y++) {
        for (let x = Math.max(0, x0); x < Math.min(width, x1); x++) {
          on += ink[y * width + x] as number;
          all++;
        }
      }
      const share = all === 0 ? 0 : on / all;
      bits[r * font.cols + c] = share >= 0.5 ? 1 : 0;
      ambiguity += Math.min(share, 1 - share);
    }
  }
  return { bits, ambiguity: ambiguity / bits.length };
}

/** Otsu's threshold of grey levels: the split that maximises the between-class variance. */
function otsu(data: Uint8Array): { threshold: number; darkCount: number; contrast: number } | null {
  const hist = new Float64Array(256);
  for (const v of data) hist[v] = (hist[v] as number) + 1;
  const total = data.length;
  let sumAll = 0;
  for (let v = 0; v < 256; v++) sumAll += v * (hist[v] as number);
  let best: { threshold: number; darkCount: number; contrast: number; variance: number } | null = null;
  let countDark = 0;
  let sumDark = 0;
  for (let t = 0; t < 255; t++) {
    countDark += hist[t] as number;
    sumDark += t * (hist[t] as number);
    const countLight = total - countDark;
    if (countDark === 0 || countLight === 0) continue;
    const meanDark = sumDark / countDark;
    const meanLight = (sumAll - sumDark) / countLight;
    const variance = countDark * countLight * (meanDark - meanLight) ** 2;
    if (!best || variance > best.variance) best = { threshold: t, darkCount: countDark, contrast: meanLight - meanDark, variance };
  }
  return best && { threshold: best.threshold, darkCount: best.darkCount, contrast: best.contrast };
}
