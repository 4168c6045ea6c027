/**
 * The course's web-service deployment mode on our model runtime: `POST /predict`, `GET /health`.
 *
 * @example
 * import { startPredictionService } from './serve/index.js';
 * const service = await startPredictionService({ model: await loadModel('model-artifacts/lin_reg.bin'), port: 9696 });
 */
export { startPredictionService, predictionHandler, DEFAULT_PORT, DEFAULT_HOST, DEFAULT_SHUTDOWN_GRACE_MS, DEFAULT_SERVER_LIMITS } from './server.js';
export type { PredictionServiceOptions, PredictResponse, RunningService, ServerLimits } from './server.js';
export { readJsonBody, DEFAULT_MAX_BODY_BYTES } from './body.js';
export { predictBody } from './ride.js';
export { ClientGoneError, HttpError } from './errors.js';
