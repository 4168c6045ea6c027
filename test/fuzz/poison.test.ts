/**
 * Property test: generated poison mixed with valid rides. The handler never throws; every poison
 * record is dead-lettered with the specific reason for what was done to it; every valid ride is
 * predicted (with the real course model); nothing is reported failed; the books balance.
 */
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { createHandler } from '../../lambda/handler.js';
import type { LoadedModel } from '../../lambda/model/types.js';
import { MAX_RECORD_BYTES } from '../../lambda/ride/decode.js';
import { MemoryDeadLetterSink, MemoryOutputSink } from '../../lambda/sinks/memory.js';
import { kinesisEvent, kinesisRecord, lambdaContext } from '../support/events.js';
import { RecordingLog } from '../support/log.js';
import { courseModel } from '../support/model.js';

interface Ride {
  readonly PULocationID: number;
  readonly DOLocationID: number;
  readonly trip_distance: number;
}
type Case =
  | { readonly valid: true; readonly data: string; readonly ride: Ride; readonly rideId: number | string; readonly label: string }
  | { readonly valid: false; readonly data: string; readonly kind: string; readonly reason: RegExp; readonly label: string };

const b64 = (bytes: string | Uint8Array) => Buffer.from(bytes).toString('base64');

const rideArb = fc.record({
  PULocationID: fc.integer({ min: 1, max: 265 }),
  DOLocationID: fc.integer({ min: 1, max: 265 }),
  trip_distance: fc.oneof(fc.integer({ min: 0, max: 5_000 }).map((c) => c / 100), fc.double({ min: 0, max: 1e6, noNaN: true })),
});
const rideIdArb = fc.oneof(fc.maxSafeInteger(), fc.string({ minLength: 1, maxLength: 40 }));
const rideText = (ride: Ride, rideId: number | string, extra = '') =>
  `{"ride": {"PULocationID": ${ride.PULocationID}, "DOLocationID": ${ride.DOLocationID}, "trip_distance": ${JSON.stringify(ride.trip_distance)}}, "ride_id": ${JSON.stringify(rideId)}${extra}}`;

const nested = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`;

const validCase: fc.Arbitrary<Case> = fc
  .tuple(
    rideArb,
    rideIdArb,
    fc.oneof(
      { weight: 6, arbitrary: fc.constant('') },
      { weight: 1, arbitrary: fc.integer({ min: 1, max: 60 }).map((d) => `, "extra": ${nested(d)}`) },
      { weight: 1, arbitrary: fc.constant(', "__proto__": {"polluted": true}, "constructor": {"prototype": {"polluted": true}}') },
      { weight: 1, arbitrary: fc.integer({ min: 1, max: 20_000 }).map((n) => `, "note": "${'x'.repeat(n)}"`) },
      { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }).map((v) => `, "meta": ${JSON.stringify(v)}`) },
    ),
    fc.boolean(),
  )
  .map(([ride, rideId, extra, compact]) => {
    const text = rideText(ride, rideId, extra);
    return { valid: true as const, data: b64(compact && extra === '' ? JSON.stringify({ ride, ride_id: rideId }) : text), ride, rideId, label: extra === '' ? 'valid' : 'valid+extra' };
  });

const FIELDS = ['PULocationID', 'DOLocationID', 'trip_distance'] as const;
const wrongValue = fc.constantFrom('"130"', 'true', 'null', '[1]', '{"a": 1}', '1.5', '-3');

function replaceField(ride: Ride, rideId: number | string, field: string, value: string | undefined): string {
  const parts = FIELDS.filter((f) => f !== field || value !== undefined).map((f) => `"${f}": ${f === field ? value : JSON.stringify(ride[f])}`);
  return `{"ride": {${parts.join(', ')}}, "ride_id": ${JSON.stringify(rideId)}}`;
}

/** A large payload over the Kinesis record limit, built once. */
const TOO_LARGE = b64(`{"ride": {"PULocationID": 1, "DOLocationID": 2, "trip_distance": 3}, "ride_id": 1, "x": "${'y'.repeat(MAX_RECORD_BYTES)}"}`);

const poisonCase: fc.Arbitrary<Case> = fc.oneof(
  // invalid base64: a character outside the alphabet, or a length that is not a multiple of 4
  fc.tuple(rideArb, rideIdArb, fc.nat(), fc.constantFrom('!', '-', '_', ' ', '\n', '.', '*', 'é', '=')).map(([ride, id, at, bad]) => {
    const data = b64(rideText(ride, id));
    let i = at % data.length;
    // Replacing padding by padding changes nothing, and '=' near the end can be valid padding; data[0] is never '='.
    if (data[i] === bad || (bad === '=' && i >= data.length - 2)) i = 0;
    return { valid: false as const, data: data.slice(0, i) + bad + data.slice(i + 1), kind: 'base64', reason: /^invalid base64: /, label: 'base64-char' };
  }),
  fc.tuple(rideArb, rideIdArb, fc.nat()).map(([ride, id, at]) => {
    const data = b64(rideText(ride, id));
    const i = at % data.length;
    return { valid: false as const, data: data.slice(0, i) + data.slice(i + 1), kind: 'base64', reason: /^invalid base64: length \d+ is not a multiple of 4/, label: 'base64-length' };
  }),
  // non-UTF-8 bytes inside a string value
  fc.tuple(rideArb, fc.constantFrom([0xff], [0xc3], [0xc0, 0xaf], [0xed, 0xa0, 0x80], [0xf4, 0x90, 0x80, 0x80], [0x80])).map(([ride, bad]) => {
    const bytes = Buffer.concat([Buffer.from(rideText(ride, 'id-').slice(0, -2)), Buffer.from(bad), Buffer.from('"}')]);
    return { valid: false as const, data: b64(bytes), kind: 'utf8', reason: /^invalid UTF-8/, label: 'utf8' };
  }),
  // truncated JSON
  fc.tuple(rideArb, rideIdArb, fc.nat()).map(([ride, id, at]) => {
    const text = rideText(ride, id);
    return { valid: false as const, data: b64(text.slice(0, at % text.length)), kind: 'json', reason: /^invalid JSON: /, label: 'truncated' };
  }),
  // NaN / Infinity literals are not JSON
  fc.tuple(rideArb, rideIdArb, fc.constantFrom(...FIELDS), fc.constantFrom('NaN', 'Infinity', '-Infinity')).map(([ride, id, field, literal]) => ({
    valid: false as const, data: b64(replaceField(ride, id, field, literal)), kind: 'json', reason: /^invalid JSON: /, label: 'nan-literal',
  })),
  // huge numbers: overflow to Infinity, or integers beyond 2^53
  fc.tuple(rideArb, rideIdArb, fc.constantFrom(...FIELDS), fc.constantFrom('1e999', '-1e999', '1e20', '123456789012345678901234567890')).map(([ride, id, field, huge]) => ({
    valid: false as const, data: b64(replaceField(ride, id, field, huge)), kind: 'schema', reason: new RegExp(`^schema: ride\\.${field}: `), label: 'huge-number',
  })).filter((c) => !(c.reason.source.includes('trip_distance') && /"trip_distance": (1e20|1234)/.test(Buffer.from(c.data, 'base64').toString()))),
  fc.tuple(rideArb, fc.constantFrom('1e300', '9007199254740993', '1.5', 'true', 'null', '""', `"${'k'.repeat(257)}"`, '[256]')).map(([ride, id]) => ({
    valid: false as const, data: b64(rideText(ride, 0).replace(/"ride_id": 0}$/, `"ride_id": ${id}}`)), kind: 'schema', reason: /^schema: ride_id: /, label: 'bad-ride-id',
  })),
  // wrong types and missing fields
  fc.tuple(rideArb, rideIdArb, fc.constantFrom(...FIELDS), fc.option(wrongValue, { nil: undefined })).filter(([, , field, value]) => (field === 'trip_distance' ? value !== '1.5' : value !== '-3')).map(([ride, id, field, value]) => ({
    valid: false as const, data: b64(replaceField(ride, id, field, value)), kind: 'schema', reason: new RegExp(`^schema: ride\\.${field}: `), label: value === undefined ? 'missing-field' : 'wrong-type',
  })),
  fc.tuple(rideIdArb, fc.constantFrom('"ride"', '[]', 'null', '42', nested(3))).map(([id, rideValue]) => ({
    valid: false as const, data: b64(`{"ride": ${rideValue}, "ride_id": ${JSON.stringify(id)}}`), kind: 'schema', reason: /^schema: ride: expected an object$/, label: 'ride-not-object',
  })),
  fc.constantFrom('null', '[]', '"ride"', '0', nested(10)).map((text) => ({
    valid: false as const, data: b64(text), kind: 'schema', reason: /^schema: \(root\): expected an object$/, label: 'not-an-object',
  })),
  // prototype keys standing in for fields
  fc.tuple(rideArb, rideIdArb).map(([ride, id]) => ({
    valid: false as const, data: b64(`{"__proto__": ${rideText(ride, id)}}`), kind: 'schema', reason: /^schema: ride: missing; ride_id: missing$/, label: '__proto__-top',
  })),
  fc.tuple(rideArb, rideIdArb, fc.constantFrom('__proto__', 'constructor')).map(([ride, id, key]) => ({
    valid: false as const, data: b64(`{"ride": {"${key}": ${JSON.stringify(ride)}}, "ride_id": ${JSON.stringify(id)}}`), kind: 'schema', reason: /^schema: ride\.PULocationID: /, label: `${key}-ride`,
  })),
  // deeply nested, anywhere in the document
  fc.tuple(rideArb, rideIdArb, fc.oneof({ weight: 20, arbitrary: fc.integer({ min: 64, max: 2_000 }) }, { weight: 1, arbitrary: fc.constant(300_000) }), fc.boolean()).map(([ride, id, depth, inRide]) => ({
    valid: false as const,
    data: b64(inRide ? `{"ride": ${nested(depth)}, "ride_id": ${JSON.stringify(id)}}` : rideText(ride, id, `, "extra": ${nested(depth)}`)),
    kind: 'too-deep', reason: /^too deep: JSON nested more than 64 levels$/, label: 'too-deep',
  })),
  // larger than any Kinesis record
  fc.constant({ valid: false as const, data: TOO_LARGE, kind: 'too-large', reason: /^too large: /, label: 'too-large' }),
);

const caseArb: fc.Arbitrary<Case> = fc.oneof({ weight: 1, arbitrary: validCase }, { weight: 1, arbitrary: poisonCase });

let model: LoadedModel;
beforeAll(async () => {
  model = await courseModel();
});

describe('poison mixed with valid rides', () => {
  it('dead-letters every poison record with its reason and predicts every valid ride', async () => {
    let generated = 0;
    const labels = new Map<string, number>();
    await fc.assert(
      fc.asyncProperty(fc.array(caseArb, { minLength: 34, maxLength: 40 }), fc.boolean(), async (cases, testRun) => {
        generated += cases.length;
        for (const c of cases) labels.set(c.label, (labels.get(c.label) ?? 0) + 1);
        const log = new RecordingLog();
        const deadLetters = new MemoryDeadLetterSink();
        const output = testRun ? undefined : new MemoryOutputSink();
        const handler = createHandler({ loadModel: async () => model, runId: 'fuzz', output, deadLetters, logger: log });
        const records = cases.map((c, i) => kinesisRecord({ data: c.data }, i));

        const response = await handler(kinesisEvent(records), lambdaContext());

        expect(response.batchItemFailures).toEqual([]);
        const valid = cases.flatMap((c, i) => (c.valid ? [{ c, i }] : []));
        const poison = cases.flatMap((c, i) => (c.valid ? [] : [{ c, i }]));
        const predicted = testRun ? response.predictions! : output!.records.map((r) => JSON.parse(r.data) as { prediction: { ride_id: unknown; ride_duration: number } });
        expect(predicted).toHaveLength(valid.length);
        valid.forEach(({ c }, k) => {
          if (!c.valid) return;
          const features = { PU_DO: `${c.ride.PULocationID}_${c.ride.DOLocationID}`, trip_distance: c.ride.trip_distance };
          expect(predicted[k]!.prediction).toEqual({ ride_id: c.rideId, ride_duration: model.predictor.predictOne(features) });
        });
        expect(deadLetters.letters).toHaveLength(poison.length);
        poison.forEach(({ c, i }, k) => {
          if (c.valid) return;
          const letter = deadLetters.letters[k]!;
          expect(letter.sequenceNumber, c.label).toBe(records[i]!.kinesis.sequenceNumber);
          expect(letter.kind, `${c.label}: ${letter.reason}`).toBe(c.kind);
          expect(letter.reason, c.label).toMatch(c.reason);
          expect(letter.data).toBe(c.data);
        });
        const counts = log.entries.find((e) => e.message === 'Batch processed')!.fields.counts;
        expect(counts).toEqual({ in: cases.length, predicted: valid.length, deadLettered: poison.length, outputFailed: 0, deadLetterFailed: 0 });
        expect(({} as Record<string, unknown>).polluted).toBeUndefined();
      }),
      { numRuns: 300 }, // >= 10,200 generated records
    );
    expect(generated).toBeGreaterThanOrEqual(10_000);
    // Every kind of poison was generated.
    for (const label of ['base64-char', 'base64-length', 'utf8', 'truncated', 'nan-literal', 'huge-number', 'bad-ride-id', 'missing-field', 'wrong-type', 'ride-not-object', 'not-an-object', '__proto__-top', 'too-deep', 'too-large', 'valid+extra']) {
      expect(labels.get(label) ?? 0, label).toBeGreaterThan(0);
    }
  });
});
