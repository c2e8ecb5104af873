import { GLYPHS } from '@mgm/imagegen';
import type { DotFont } from './dot-font-reader.ts';

/** The 5x7 digits the synthetic scenes print (tools/mgm-tiny font.py, @mgm/imagegen's renderer), one dot apart. */
export const SCENE_DOT_FONT: DotFont = { glyphs: GLYPHS, spacing: 1 };
