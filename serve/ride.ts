/**
 * The course web service's request body is a bare ride (`{"PULocationID", "DOLocationID",
 * "trip_distance"}`), i.e. the `ride` part of the stream's event, with the fields the model's
 * contract requires.
 */
import type { RideObject } from '../lambda/model/contract/index.js';
import type { LoadedModel } from '../lambda/model/types.js';
import { HttpError } from './errors.js';

/**
 * Scores a request body, or throws a 400 naming each bad field, e.g.
 * `invalid ride: trip_distance: expected a finite number >= 0`.
 */
export function predictBody(body: unknown, model: Pick<LoadedModel, 'predictor' | 'contract'>): number {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new HttpError(400, 'invalid ride: expected a JSON object');
  const ride = body as RideObject;
  const problem = model.contract.check(ride, '');
  if (problem !== undefined) throw new HttpError(400, `invalid ride: ${problem}`);
  // An encoder per request: requests may interleave, and encoding is cheap next to the HTTP work.
  const encoder = model.contract.encoder();
  const n = encoder.encode(ride);
  return model.predictor.score(encoder.cols, encoder.vals, n);
}
