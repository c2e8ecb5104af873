export const pct = (value: number, digits = 1): string => `${(value * 100).toFixed(digits)}%`;
