/**
 * The course web service's request body is a bare ride (`{"PULocationID", "DOLocationID",
 * "trip_distance"}`), i.e. the `ride` part of the stream's event: validated by the same zod schema.
 */
import type { Ride } from '../lambda/ride/schema.js';
import { rideSchema } from '../lambda/ride/validation.js';
import { HttpError } from './errors.js';

/**
 * Returns the ride or throws a 400 naming each bad field, e.g.
 * `trip_distance: expected a number >= 0`.
 */
export function parseRide(body: unknown): Ride {
  const result = rideSchema.safeParse(body);
  if (result.success) return result.data;
  const reasons = result.error.issues.map((issue) => {
    const path = issue.path.length === 0 ? '(body)' : issue.path.map(String).join('.');
    return `${path}: ${issue.message.replace(/^Invalid input: /, '')}`;
  });
  throw new HttpError(400, `invalid ride: ${reasons.join('; ')}`);
}
