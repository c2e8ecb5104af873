export * from './error-codes.ts';
export * from './mgm-error.ts';
