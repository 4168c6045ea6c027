import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { matchRideEvent } from '../../lambda/ride/schema.js';
import { explainRideEvent, rideEventSchema } from '../../lambda/ride/validation.js';

/** Values close to a ride event: every field valid, missing, or of another JSON type. */
const fieldValue = fc.oneof(
  fc.integer({ min: -5, max: 300 }),
  fc.double(),
  fc.constantFrom(2 ** 53, -(2 ** 53), 1e300, -0, 0.5, Number.NaN, Number.POSITIVE_INFINITY),
  fc.string({ maxLength: 3 }),
  fc.constantFrom('', 'x'.repeat(256), 'x'.repeat(257)),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.integer(), { maxLength: 2 }),
  fc.dictionary(fc.string({ maxLength: 3 }), fc.integer(), { maxKeys: 2 }),
);
const maybe = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined, freq: 5 });
const nearRide = fc.record(
  {
    ride: fc.oneof(
      { weight: 4, arbitrary: fc.record({ PULocationID: maybe(fieldValue), DOLocationID: maybe(fieldValue), trip_distance: maybe(fieldValue) }) },
      { weight: 1, arbitrary: fieldValue },
    ),
    ride_id: maybe(fieldValue),
  },
  { requiredKeys: [] },
);

describe('ride event schema', () => {
  it('fast path and zod schema accept exactly the same values', () => {
    fc.assert(
      fc.property(fc.oneof(nearRide, fc.jsonValue()), (value) => {
        const fast = matchRideEvent(value) !== undefined;
        expect(fast).toBe(rideEventSchema.safeParse(value).success);
        expect(explainRideEvent(value) === undefined).toBe(fast);
      }),
      { numRuns: 5_000 },
    );
  });
});
