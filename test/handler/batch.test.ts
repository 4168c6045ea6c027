/**
 * processBatch with the real course model and in-memory sinks: shapes, accounting, partial failures.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { processBatch, type BatchOutcome } from '../../lambda/batch.js';
import type { LoadedModel, Predictor } from '../../lambda/model/types.js';
import type { ServableModel } from '../../lambda/batch.js';
import { MemoryDeadLetterSink, MemoryOutputSink } from '../../lambda/sinks/memory.js';
import type { OutputBatch } from '../../lambda/sinks/output-batch.js';
import type { DeadLetterSink, OutputFailure, OutputSink } from '../../lambda/sinks/types.js';
import { base64, kinesisRecord, ride, sequenceNumber, TEST_SHARD_ID, TEST_STREAM_ARN } from '../support/events.js';
import { COURSE_ANCHOR, courseModel } from '../support/model.js';

let model: LoadedModel;
beforeAll(async () => {
  model = await courseModel();
});

function expectBalanced(outcome: BatchOutcome): void {
  const { counts } = outcome;
  expect(counts.in).toBe(counts.predicted + counts.deadLettered + counts.outputFailed + counts.deadLetterFailed);
  expect(outcome.batchItemFailures).toHaveLength(counts.outputFailed + counts.deadLetterFailed);
  expect(outcome.predictions).toHaveLength(counts.predicted);
  expect(outcome.deadLetters).toHaveLength(counts.deadLettered);
}

/** The model, but scoring `override(trip_distance)` where that is defined (a broken predictor). */
function withScore(loaded: LoadedModel, override: (tripDistance: number) => number | undefined): ServableModel {
  const { predictor } = loaded;
  const column = predictor.features.column('trip_distance');
  const broken: Predictor = {
    features: predictor.features,
    predictOne: (row) => predictor.predictOne(row),
    predict: (rows) => predictor.predict(rows),
    score: (cols, vals, n) => {
      const at = cols.subarray(0, n).indexOf(column);
      return (at >= 0 ? override(vals[at]!) : undefined) ?? predictor.score(cols, vals, n);
    },
  };
  return { predictor: broken, contract: loaded.contract };
}

const mixed = () => [
  kinesisRecord({ json: ride(256) }, 0),
  kinesisRecord({ data: 'not base64!' }, 1),
  kinesisRecord({ json: ride('abc', 7, 65, 1.5) }, 2),
  kinesisRecord({ json: { ride: { PULocationID: 1, DOLocationID: 2, trip_distance: -1 }, ride_id: 3 } }, 3),
  kinesisRecord({ json: ride(4, 43, 151, 10) }, 4),
];

describe('processBatch', () => {
  it('predicts the course ride with the course model, in the course shape', async () => {
    const outcome = await processBatch([kinesisRecord({ json: ride(256) }, 0)], {
      model, version: 'test123', output: undefined, deadLetters: new MemoryDeadLetterSink(),
    });
    expect(outcome.predictions).toStrictEqual([
      { model: 'ride_duration_prediction_model', version: 'test123', prediction: { ride_duration: COURSE_ANCHOR.ride_duration, ride_id: 256 } },
    ]);
    expect(outcome.counts).toEqual({ in: 1, predicted: 1, deadLettered: 0, outputFailed: 0, deadLetterFailed: 0 });
    expect(outcome.unseen).toEqual({ rides: 0, sample: [] });
    expect(outcome.batchItemFailures).toEqual([]);
  });

  it('writes every prediction to the output sink and dead-letters poison with its full record', async () => {
    const output = new MemoryOutputSink();
    const deadLetters = new MemoryDeadLetterSink();
    const outcome = await processBatch(mixed(), { model, version: 'v1', output, deadLetters });
    expectBalanced(outcome);
    expect(outcome.counts).toEqual({ in: 5, predicted: 3, deadLettered: 2, outputFailed: 0, deadLetterFailed: 0 });
    expect(output.records.map((r) => r.partitionKey)).toEqual(['256', 'abc', '4']);
    expect(output.records.map((r) => JSON.parse(r.data))).toEqual(outcome.predictions);
    expect(output.records.map((r) => r.data)).toEqual(outcome.predictions.map((p) => JSON.stringify(p)));
    const score = (pu: number, dropoff: number, distance: number) =>
      model.predictor.predictOne({ PU_DO: `${pu}_${dropoff}`, trip_distance: distance });
    expect(outcome.predictions.map((p) => p.prediction.ride_duration)).toEqual([score(130, 205, 3.66), score(7, 65, 1.5), score(43, 151, 10)]);
    expect(deadLetters.letters).toEqual(outcome.deadLetters);
    expect(outcome.deadLetters[0]).toStrictEqual({
      reason: 'invalid base64: length 11 is not a multiple of 4',
      kind: 'base64',
      eventSourceARN: TEST_STREAM_ARN,
      shardId: TEST_SHARD_ID,
      sequenceNumber: sequenceNumber(1),
      partitionKey: '1',
      approximateArrivalTimestamp: mixed()[1]!.kinesis.approximateArrivalTimestamp,
      data: 'not base64!',
    });
    expect(outcome.deadLetters[1]).toMatchObject({ kind: 'schema', sequenceNumber: sequenceNumber(3), reason: 'schema: ride.trip_distance: expected a finite number >= 0' });
    expect(outcome.deadLetters[1]!.data).toBe(mixed()[3]!.kinesis.data);
  });

  it('reports records whose output write failed, and only those', async () => {
    const failing: OutputSink = {
      write: async (batch: OutputBatch): Promise<OutputFailure[]> => {
        expect(batch.length).toBe(3);
        return [{ index: 1, errorCode: 'ProvisionedThroughputExceededException', errorMessage: 'Rate exceeded' }];
      },
    };
    const outcome = await processBatch(mixed(), { model, version: 'v1', output: failing, deadLetters: new MemoryDeadLetterSink() });
    expectBalanced(outcome);
    expect(outcome.batchItemFailures).toEqual([{ itemIdentifier: sequenceNumber(2) }]);
    expect(outcome.predictions.map((p) => p.prediction.ride_id)).toEqual([256, 4]);
    expect(outcome.failures).toEqual([
      { sequenceNumber: sequenceNumber(2), stage: 'output', errorCode: 'ProvisionedThroughputExceededException', errorMessage: 'Rate exceeded' },
    ]);
  });

  it('fails every predicted record when the output sink throws', async () => {
    const throwing: OutputSink = { write: async () => { throw new Error('boom'); } };
    const outcome = await processBatch(mixed(), { model, version: 'v1', output: throwing, deadLetters: new MemoryDeadLetterSink() });
    expectBalanced(outcome);
    expect(outcome.counts).toMatchObject({ predicted: 0, outputFailed: 3, deadLettered: 2 });
    expect(outcome.batchItemFailures.map((f) => f.itemIdentifier)).toEqual([0, 2, 4].map(sequenceNumber));
  });

  it('reports poison records when the dead-letter write fails', async () => {
    const broken: DeadLetterSink = { write: async () => { throw Object.assign(new Error('Access Denied'), { name: 'AccessDenied' }); } };
    const outcome = await processBatch(mixed(), { model, version: 'v1', output: new MemoryOutputSink(), deadLetters: broken });
    expectBalanced(outcome);
    expect(outcome.counts).toEqual({ in: 5, predicted: 3, deadLettered: 0, outputFailed: 0, deadLetterFailed: 2 });
    expect(outcome.failures.map((f) => [f.sequenceNumber, f.stage, f.errorCode])).toEqual([
      [sequenceNumber(1), 'dead-letter', 'AccessDenied'],
      [sequenceNumber(3), 'dead-letter', 'AccessDenied'],
    ]);
  });

  it('dead-letters a ride the model scores as a non-finite number', async () => {
    const outcome = await processBatch([kinesisRecord({ json: ride(1, 1, 1, 999) }, 0), kinesisRecord({ json: ride(2) }, 1)], {
      model: withScore(model, (x) => (x === 999 ? Number.NaN : undefined)), version: 'v1', output: undefined, deadLetters: new MemoryDeadLetterSink(),
    });
    expectBalanced(outcome);
    expect(outcome.deadLetters.map((l) => [l.kind, l.reason])).toEqual([['prediction', 'prediction: the model returned NaN for this ride']]);
  });

  it('dead-letters in input order when a ride the model cannot score sits between undecodable records', async () => {
    const output = new MemoryOutputSink();
    const outcome = await processBatch(
      [
        kinesisRecord({ data: 'not base64!' }, 0),
        kinesisRecord({ json: ride(1) }, 1),
        kinesisRecord({ json: ride(2, 1, 1, 999) }, 2),
        kinesisRecord({ json: ride(3) }, 3),
        kinesisRecord({ text: '{"ride": ' }, 4),
      ],
      { model: withScore(model, (x) => (x === 999 ? Number.POSITIVE_INFINITY : undefined)), version: 'v1', output, deadLetters: new MemoryDeadLetterSink() },
    );
    expectBalanced(outcome);
    expect(outcome.deadLetters.map((l) => [l.sequenceNumber, l.kind])).toEqual([
      [sequenceNumber(0), 'base64'],
      [sequenceNumber(2), 'prediction'],
      [sequenceNumber(4), 'json'],
    ]);
    expect(output.records.map((r) => r.partitionKey)).toEqual(['1', '3']);
  });

  it('counts rides with a pick-up/drop-off pair the model never saw, and scores them as sklearn does', async () => {
    // (10, 50) is in no vocabulary of the course models: its PU_DO term is dropped.
    const outcome = await processBatch([kinesisRecord({ json: ride(1, 10, 50, 40) }, 0), kinesisRecord({ json: ride(2) }, 1)], {
      model, version: 'v1', output: undefined, deadLetters: new MemoryDeadLetterSink(),
    });
    expect(outcome.unseen).toEqual({ rides: 1, sample: ['PU_DO=10_50'] });
    expect(outcome.predictions[0]!.prediction.ride_duration).toBe(model.predictor.predictOne({ trip_distance: 40 }));
    expect(outcome.predictions[0]!.prediction.ride_duration).toBe(model.predictor.predictOne({ PU_DO: '10_50', trip_distance: 40 }));
  });

  it('dead-letters a ride lacking a field the model reads, naming the field, and ignores extra fields', async () => {
    const outcome = await processBatch(
      [
        kinesisRecord({ json: { ride: { PULocationID: 130, trip_distance: 3.66, passenger_count: 'two' }, ride_id: 1 } }, 0),
        kinesisRecord({ json: { ride: { PULocationID: '130', DOLocationID: 205, trip_distance: 3.66 }, ride_id: 2 } }, 1),
        kinesisRecord({ json: { ride: { PULocationID: 130, DOLocationID: 205, trip_distance: 3.66 }, ride_id: 'a\u0000b' } }, 2),
        kinesisRecord({ json: { ride: { PULocationID: 130, DOLocationID: 205, trip_distance: 3.66 }, ride_id: '\ud800' } }, 3),
        kinesisRecord({ json: { ride: { PULocationID: 130, DOLocationID: 205, trip_distance: 3.66 }, ride_id: 'x'.repeat(257) } }, 4),
      ],
      { model, version: 'v1', output: undefined, deadLetters: new MemoryDeadLetterSink() },
    );
    expect(outcome.predictions).toEqual([]);
    expect(outcome.deadLetters.map((l) => l.reason)).toEqual([
      'schema: ride.DOLocationID: missing',
      'schema: ride.PULocationID: expected an integer',
      'schema: ride_id: expected no control characters (it becomes the partition key)',
      'schema: ride_id: expected well-formed Unicode (it has a lone surrogate)',
      'schema: ride_id: expected 1 to 256 characters (it becomes the partition key), got 257',
    ]);
  });

  it('takes the general path for unusual but valid records', async () => {
    const records = [
      kinesisRecord({ text: '{"ride_id": "x-1", "ride": {"trip_distance": 2.5e0, "DOLocationID": 205.0, "PULocationID": 130, "vendor": "é"}, "__proto__": {"a": 1}}' }, 0),
      kinesisRecord({ text: '{"ride": {"PULocationID": 130, "DOLocationID": 205, "trip_distance": 3.66}, "ride_id": 256}' }, 1),
    ];
    const outcome = await processBatch(records, { model, version: 'v1', output: undefined, deadLetters: new MemoryDeadLetterSink() });
    expect(outcome.predictions.map((p) => p.prediction)).toEqual([
      { ride_id: 'x-1', ride_duration: model.predictor.predictOne({ PU_DO: '130_205', trip_distance: 2.5 }) },
      { ride_id: 256, ride_duration: COURSE_ANCHOR.ride_duration },
    ]);
    expect(base64('x')).toBe('eA==');
  });
});
