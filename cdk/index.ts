/** Public surface of the CDK app. */
export { buildApp } from './build-app.js';
export type { BuiltApp } from './build-app.js';
export { CONTEXT_KEYS, propsFromContext } from './context.js';
export type { ContextKey } from './context.js';
export { ContextError } from './errors.js';
export { ScoringMonitoring } from './monitoring.js';
export type { ScoringMonitoringProps } from './monitoring.js';
export { RideDurationStack } from './stack.js';
export type { RideDurationStackProps } from './stack.js';
export { StreamScoring } from './stream-scoring.js';
export type { ScoringEventSourceProps, StreamScoringProps } from './stream-scoring.js';
