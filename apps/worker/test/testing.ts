/** Test doubles and helpers other workspaces' tests use to run workers without a checkpoint. */
export * from './fake-model.ts';
export * from './start-test-worker.ts';
export * from './redis-test-helpers.ts';
export * from './fake-worker-process-path.ts';
