export * from './serving-model.ts';
export * from './model-worker.ts';
export * from './worker-registration.ts';
export * from './worker-stats.ts';
export * from './capabilities.ts';
export * from './env.ts';
export * from './redis-connection.ts';
export * from './logger.ts';
