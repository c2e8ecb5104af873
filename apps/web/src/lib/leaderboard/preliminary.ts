/**
 * Below this many counted votes a model's rating is preliminary: shown greyed, without a rank,
 * as FastChat shows no rating below its threshold.
 */
export const PRELIMINARY_VOTES = 10;

export function isPreliminary(battles: number): boolean {
  return battles < PRELIMINARY_VOTES;
}

/** "983 – 1017": the 95 % interval as an interval, rounded. */
export function formatInterval(low: number, high: number): string {
  return `${Math.round(low)} – ${Math.round(high)}`;
}
