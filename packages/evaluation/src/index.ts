export * from './scoring.ts';
export * from './eval-record.ts';
export * from './wilson.ts';
export * from './question-selection.ts';
export * from './evaluation-run.ts';
export * from './run-summary.ts';
