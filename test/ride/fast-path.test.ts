/**
 * The allocation-free fast path must agree with the general path (JSON.parse + zod) on every input
 * it accepts, and hand everything else over.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RideRejection } from '../../lambda/ride/decode.js';
import { decodeRideGeneral } from '../../lambda/ride/validation.js';
import { createRideSlot, decodeRideFast } from '../../lambda/ride/fast-path.js';

const ws = fc.oneof(
  { weight: 60, arbitrary: fc.constant('') },
  { weight: 10, arbitrary: fc.constant(' ') },
  { weight: 6, arbitrary: fc.constantFrom('\n', '\t', '\r\n  ') },
  { weight: 1, arbitrary: fc.constant('\u00a0') }, // not JSON whitespace
);
const digits = (min: number, max: number) => fc.string({ unit: fc.constantFrom(...'0123456789'), minLength: min, maxLength: max });
const numberText = fc.oneof(
  fc.integer({ min: -300, max: 300 }).map(String),
  fc.double({ noNaN: true }).map((x) => JSON.stringify(x)),
  fc.tuple(fc.constantFrom('', '-'), digits(1, 18), fc.option(digits(0, 24)), fc.option(fc.tuple(fc.constantFrom('e', 'E'), fc.constantFrom('', '+', '-'), digits(0, 3))))
    .map(([sign, int, frac, exp]) => `${sign}${int}${frac === null ? '' : `.${frac}`}${exp === null ? '' : exp.join('')}`),
  fc.constantFrom('1e999', '-0', '0.0', '130.0', '9007199254740993', '123456789012345', '1234567890123456', 'NaN', 'true', 'null', '"7"', '[]', '{}'),
);
const stringText = fc.oneof(
  fc.string({ maxLength: 6 }).map((s) => JSON.stringify(s)),
  fc.string({ unit: 'grapheme', maxLength: 4 }).map((s) => JSON.stringify(s)),
  fc.constantFrom('""', `"${'x'.repeat(256)}"`, `"${'x'.repeat(257)}"`, '"a\\"b"', '"\\u0041"', '"é"', '"unterminated'),
);
const value = fc.oneof(numberText, numberText, stringText);
const intText = fc.oneof({ weight: 6, arbitrary: fc.integer({ min: -10, max: 400 }).map(String) }, { weight: 2, arbitrary: value });
const distanceText = fc.oneof(
  { weight: 3, arbitrary: fc.double({ min: 0, max: 1_000, noNaN: true }).map((x) => JSON.stringify(x)) },
  { weight: 3, arbitrary: fc.tuple(digits(1, 3), digits(1, 14)).map(([i, f]) => `${i.replace(/^0+(?=.)/, '')}.${f}`) },
  { weight: 2, arbitrary: value },
);
const rideIdText = fc.oneof(
  { weight: 3, arbitrary: fc.integer().map(String) },
  { weight: 3, arbitrary: fc.string({ unit: fc.constantFrom(...'abcXYZ019-_ '), minLength: 1, maxLength: 20 }).map((s) => JSON.stringify(s)) },
  { weight: 2, arbitrary: value },
);
const member = (key: fc.Arbitrary<string>, val: fc.Arbitrary<string>) =>
  fc.tuple(ws, key, ws, ws, val, ws).map(([a, k, b, c, v, d]) => `${a}"${k}"${b}:${c}${v}${d}`);
const rideKey = fc.constantFrom('PULocationID', 'DOLocationID', 'trip_distance', 'PULocationID', 'DOLocationID', 'trip_distance', 'other', 'ride');
const rideObject = fc
  .oneof(
    fc.tuple(member(fc.constant('PULocationID'), intText), member(fc.constant('DOLocationID'), intText), member(fc.constant('trip_distance'), distanceText)).chain((members) =>
      fc.oneof({ weight: 4, arbitrary: fc.shuffledSubarray(members, { minLength: 3, maxLength: 3 }) }, { weight: 1, arbitrary: fc.shuffledSubarray(members, { minLength: 2, maxLength: 2 }) }).map((m) => m.concat()),
    ),
    fc.array(member(rideKey, value), { maxLength: 4 }),
  )
  .map((members) => `{${members.join(',')}}`);
const topKey = fc.constantFrom('ride', 'ride_id', 'ride', 'ride_id', 'extra', '__proto__');
const topValue = fc.oneof(rideObject, value);
const document = fc
  .oneof(
    fc.tuple(member(fc.constant('ride'), rideObject), member(fc.constant('ride_id'), rideIdText)).chain(([r, i]) =>
      fc.boolean().map((swap) => (swap ? [i, r] : [r, i])),
    ),
    fc.array(member(topKey, topValue), { maxLength: 3 }),
  )
  .chain((members) => fc.tuple(ws, fc.constantFrom('', '', '', '', '', '', 'x', ',', '}'), ws).map(([a, tail, b]) => `${a}{${members.join(',')}}${b}${tail}`));

function general(data: string): unknown {
  const result = decodeRideGeneral(data);
  if (result instanceof RideRejection) return result;
  return {
    PULocationID: result.ride.PULocationID,
    DOLocationID: result.ride.DOLocationID,
    trip_distance: result.ride.trip_distance,
    ride_id: result.ride_id,
  };
}

function check(data: string): boolean {
  const slot = createRideSlot();
  const accepted = decodeRideFast(data, slot);
  const expected = general(data);
  if (accepted) {
    // Object.is: -0 and 0 must match too.
    expect(expected).not.toBeInstanceOf(RideRejection);
    const want = expected as Record<string, unknown>;
    for (const key of ['PULocationID', 'DOLocationID', 'trip_distance', 'ride_id'] as const) {
      expect(Object.is(slot[key], want[key]), `${key}: ${String(slot[key])} vs ${String(want[key])}`).toBe(true);
    }
  }
  return accepted;
}

describe('fast path', () => {
  it('accepts the course record and agrees with the general path', () => {
    const data = Buffer.from('{"ride": {"PULocationID": 130, "DOLocationID": 205, "trip_distance": 3.66}, "ride_id": 256}').toString('base64');
    expect(check(data)).toBe(true);
  });

  it('agrees with JSON.parse + zod on generated near-ride documents', () => {
    let accepted = 0;
    fc.assert(
      fc.property(document, (text) => {
        if (check(Buffer.from(text, 'utf8').toString('base64'))) accepted++;
      }),
      { numRuns: 4_000 },
    );
    expect(accepted).toBeGreaterThan(40); // the generator does reach the fast path
  });

  it('decides every producer-formatted valid ride itself, with the values of the general path', () => {
    const validRide = fc.record({
      ride: fc.record({
        PULocationID: fc.integer({ min: 1, max: 265 }),
        DOLocationID: fc.integer({ min: 1, max: 265 }),
        trip_distance: fc.oneof(fc.integer({ min: 0, max: 10_000_000 }).map((c) => c / 100), fc.nat({ max: 200 })),
      }),
      ride_id: fc.oneof(fc.maxSafeInteger(), fc.string({ unit: fc.constantFrom(...'abcdef0123456789-'), minLength: 1, maxLength: 36 })),
    });
    fc.assert(
      fc.property(validRide, fc.boolean(), (event, spaced) => {
        // Python's json.dumps (the course producer) puts a space after ':' and ','.
        const text = spaced ? JSON.stringify(event).replace(/([:,])(?=["{\d-])/g, '$1 ') : JSON.stringify(event);
        expect(check(Buffer.from(text).toString('base64'))).toBe(true);
      }),
      { numRuns: 2_000 },
    );
  });

  it('agrees with the general path on the course layout and on every one-character edit of it', () => {
    // The course layout has its own matcher (fixed text between the values, base64 prefix unread).
    const courseText = fc
      .tuple(intText, intText, distanceText, rideIdText)
      .map(([pu, dropoff, distance, id]) => `{"ride": {"PULocationID": ${pu}, "DOLocationID": ${dropoff}, "trip_distance": ${distance}}, "ride_id": ${id}}`);
    const edit = fc.tuple(fc.nat(), fc.constantFrom('insert', 'delete', 'replace'), fc.constantFrom(...' ,:{}"0123456789.-eAaPDrt_\\n\u00e9'));
    let accepted = 0;
    fc.assert(
      fc.property(courseText, fc.option(edit, { nil: undefined }), (text, change) => {
        let edited = text;
        if (change !== undefined) {
          const [at, kind, c] = change;
          const i = at % (text.length + 1);
          edited = kind === 'insert' ? text.slice(0, i) + c + text.slice(i) : kind === 'delete' ? text.slice(0, i) + text.slice(i + 1) : text.slice(0, i) + c + text.slice(i + 1);
        }
        if (check(Buffer.from(edited, 'utf8').toString('base64'))) accepted++;
      }),
      { numRuns: 6_000 },
    );
    expect(accepted).toBeGreaterThan(150); // the generator does reach acceptance (most values are invalid)
  });

  it('reads a record in another layout right after a course-layout one (the buffer holds no stale prefix)', () => {
    const slot = createRideSlot();
    const course = '{"ride": {"PULocationID": 130, "DOLocationID": 205, "trip_distance": 3.66}, "ride_id": 256}';
    const compact = '{"ride":{"PULocationID":7,"DOLocationID":8,"trip_distance":1.5},"ride_id":"x"}';
    const courseWithExtraSpace = '{"ride": {"PULocationID" : 1, "DOLocationID": 2, "trip_distance": 0.5}, "ride_id": 3}';
    for (const text of [course, compact, course, courseWithExtraSpace, compact]) {
      expect(check(Buffer.from(text).toString('base64'))).toBe(true);
    }
  });

  it('agrees on arbitrary and corrupted base64', () => {
    fc.assert(
      fc.property(fc.oneof(fc.base64String({ maxLength: 200 }), fc.string({ maxLength: 40 }), fc.uint8Array({ maxLength: 120 }).map((b) => Buffer.from(b).toString('base64'))), (data) => {
        check(data);
      }),
      { numRuns: 3_000 },
    );
  });

  it('refuses base64 with a character outside the alphabet, even one whose low byte is in it', () => {
    // The characters are read as UTF-8 bytes: a wide character must not pass for the ASCII one its
    // low byte (or any byte of its encoding) equals, as it would with a decoder that truncates.
    const slot = createRideSlot();
    const data = Buffer.from('{"ride": {"PULocationID": 130, "DOLocationID": 205, "trip_distance": 3.66}, "ride_id": 256}').toString('base64');
    for (let i = 0; i < data.length; i++) {
      const original = data.charCodeAt(i);
      for (const replacement of [String.fromCharCode(0x100 | original), String.fromCharCode(0x80 | original), '\ud800', '-', '_', ' ', '=']) {
        if (replacement === '=' && i >= data.length - 2) continue; // may be genuine padding there
        const edited = data.slice(0, i) + replacement + data.slice(i + 1);
        expect(decodeRideFast(edited, slot), `${JSON.stringify(replacement)} at ${i}`).toBe(false);
        expect(general(edited)).toBeInstanceOf(RideRejection);
      }
    }
  });

  it('never reads bytes left over from a longer earlier record', () => {
    const slot = createRideSlot();
    const long = '{"ride": {"PULocationID": 130, "DOLocationID": 205, "trip_distance": 3.66}, "ride_id": 256}';
    expect(decodeRideFast(Buffer.from(long).toString('base64'), slot)).toBe(true);
    for (let cut = 1; cut < long.length; cut++) {
      expect(decodeRideFast(Buffer.from(long.slice(0, cut)).toString('base64'), slot)).toBe(false);
      expect(decodeRideFast(Buffer.from(long).toString('base64'), slot)).toBe(true);
    }
  });
});
