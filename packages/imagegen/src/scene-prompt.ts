import { MgmError } from '@mgm/protocol';

/** tools/mgm-tiny/mgm_tiny/scene.py: the synthetic scene domain. */
export const SCENE_SHAPES = ['circle', 'square', 'triangle', 'star', 'diamond'] as const;
export type SceneShapeKind = (typeof SCENE_SHAPES)[number];
export const SCENE_COLOURS = {
  red: [220, 40, 40],
  green: [40, 170, 60],
  blue: [40, 80, 220],
  yellow: [235, 200, 30],
  purple: [140, 60, 180],
  orange: [245, 130, 20],
} as const satisfies Record<string, readonly [number, number, number]>;
export type SceneColour = keyof typeof SCENE_COLOURS;
/** Row-major cells of the 3x3 grid. */
export const SCENE_POSITIONS = [
  'top left', 'top', 'top right',
  'left', 'center', 'right',
  'bottom left', 'bottom', 'bottom right',
] as const;

export interface SceneSpec {
  shapes: { kind: SceneShapeKind; colour: SceneColour; cell: number }[];
  code: { text: string; cell: number } | null;
}

const colourAlt = Object.keys(SCENE_COLOURS).join('|');
const shapeAlt = SCENE_SHAPES.join('|');
const whereAlt = '(?:at|in|on) the (top left|top right|bottom left|bottom right|top|bottom|left|right|center|centre)';
const SHAPE_RE = new RegExp(`^an? (${colourAlt}) (${shapeAlt}) ${whereAlt}$`, 'u');
const CODE_RE = new RegExp(`^the code (\\d{1,6}) ${whereAlt}$`, 'u');

function cellOf(position: string): number {
  return SCENE_POSITIONS.indexOf((position === 'centre' ? 'center' : position) as (typeof SCENE_POSITIONS)[number]);
}

/**
 * Parses an image prompt of the scene domain, as the tiny checkpoints write it
 * ("a red circle at the top left, a blue star in the center, the code 472 at the bottom"; parts
 * joined by ", " or " and "). Throws IMAGE_GEN_FAILED naming the part it cannot read.
 */
export function parseScenePrompt(prompt: string): SceneSpec {
  const text = prompt.trim().toLowerCase().replace(/\s+/gu, ' ').replace(/[.!]+$/u, '');
  if (text.length === 0) throw unreadable(prompt, 'the prompt is empty');
  const parts = text.split(/, and |, | and /u).map((p) => p.trim());
  const spec: SceneSpec = { shapes: [], code: null };
  const used = new Map<number, string>();
  for (const part of parts) {
    const shape = SHAPE_RE.exec(part);
    const code = shape ? null : CODE_RE.exec(part);
    if (!shape && !code) {
      throw unreadable(
        prompt,
        `cannot read "${part}": each part must be "a <colour> <shape> at/in/on the <position>" or "the code <digits> at/in/on the <position>" (colours: ${colourAlt.replaceAll('|', ', ')}; shapes: ${shapeAlt.replaceAll('|', ', ')})`,
      );
    }
    const cell = cellOf((shape?.[3] ?? code?.[2]) as string);
    const other = used.get(cell);
    if (other !== undefined) throw unreadable(prompt, `"${other}" and "${part}" are in the same cell of the 3x3 grid`);
    used.set(cell, part);
    if (shape) spec.shapes.push({ colour: shape[1] as SceneColour, kind: shape[2] as SceneShapeKind, cell });
    else if (spec.code) throw unreadable(prompt, 'a scene has at most one code');
    else spec.code = { text: code?.[1] as string, cell };
  }
  return spec;
}

function unreadable(prompt: string, why: string): MgmError {
  return new MgmError('IMAGE_GEN_FAILED', `the synthetic-scene renderer cannot draw "${prompt}": ${why}`, {
    details: { backend: 'scene-renderer', prompt },
  });
}
