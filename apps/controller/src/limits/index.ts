export { ClientLimits } from './client-limits.ts';
export { clientIp, sessionOf, type ClientIdentity } from './client-identity.ts';
export { DEFAULT_LIMITS, limitsConfigSchema, parseLimitsConfig, type LimitsConfig } from './limits-config.ts';
export { registerLimitsMetrics } from './limits-metrics.ts';
export { RateLimiter, retryAfterSeconds, type ClientKey, type WindowRule } from './rate-limiter.ts';
export { RequestAdmission, type InFlightRule } from './request-admission.ts';
