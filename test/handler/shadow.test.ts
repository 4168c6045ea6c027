/**
 * Shadow scoring through the handler: a candidate model scores every predicted ride beside the
 * production model; its pairs and difference metrics are kept, and whatever it does (fail to load,
 * throw on every ride, lack a field, lose its pairs) the output, the dead letters and the
 * `batchItemFailures` are exactly those of a handler without it.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { createHandler, type HandlerDependencies } from '../../lambda/handler.js';
import { loadModel, ModelContractError, ModelFetchError } from '../../lambda/model/index.js';
import type { LoadedModel } from '../../lambda/model/types.js';
import type { ShadowPair, ShadowPairSink } from '../../lambda/shadow/types.js';
import { MemoryDeadLetterSink, MemoryOutputSink } from '../../lambda/sinks/memory.js';
import type { RecordSpan } from '../../lambda/sinks/dead-letter.js';
import { kinesisEvent, kinesisRecord, lambdaContext, ride, sequenceNumber, TEST_SHARD_ID } from '../support/events.js';
import { capturedMetrics } from '../support/metrics.js';
import { courseModel } from '../support/model.js';

const CANDIDATE_PATH = new URL('../fixtures/models/linreg-sklearn-1.5.0-numpy2.bin', import.meta.url).pathname;
const PASSENGER_PATH = new URL('../fixtures/models/contract/passenger-linreg.bin', import.meta.url).pathname;

let main: LoadedModel;
let candidate: LoadedModel;
let passenger: LoadedModel;
beforeAll(async () => {
  [main, candidate, passenger] = await Promise.all([courseModel(), loadModel(CANDIDATE_PATH), loadModel(PASSENGER_PATH)]);
});

class MemoryPairSink implements ShadowPairSink {
  readonly objects: Array<{ pairs: ShadowPair[]; span: RecordSpan }> = [];
  constructor(private readonly down = false) {}
  async write(pairs: readonly ShadowPair[], span: RecordSpan): Promise<void> {
    if (this.down) throw new Error('AccessDenied: shadow prefix');
    this.objects.push({ pairs: [...pairs], span });
  }
}

/** Valid rides, a poison record and a ride without a distance, whose output write of every third record fails. */
const batch = () => [
  kinesisRecord({ json: ride(0) }, 0),
  kinesisRecord({ json: ride(1, 43, 151, 1.2) }, 1),
  kinesisRecord({ text: 'not json' }, 2),
  kinesisRecord({ json: { ride: { PULocationID: 1, DOLocationID: 2 }, ride_id: 3 } }, 3),
  kinesisRecord({ json: ride('ride-4', 74, 75, 0.7) }, 4),
  kinesisRecord({ json: { ride: { PULocationID: 10, DOLocationID: 20, trip_distance: 5.5, passenger_count: 2 }, ride_id: 5 } }, 5),
  kinesisRecord({ json: ride(6, 166, 41, 2.1) }, 6),
];

/** An output sink keeping the records, failing the ones at `failing` indexes. */
function flakyOutput(failing: ReadonlySet<number>) {
  const sink = new MemoryOutputSink();
  const write = sink.write.bind(sink);
  return Object.assign(sink, {
    write: async (records: Parameters<MemoryOutputSink['write']>[0], options: Parameters<MemoryOutputSink['write']>[1]) => {
      const failures = (await write(records, options)).slice();
      for (const index of failing) if (index < records.length) failures.push({ index, errorCode: 'ProvisionedThroughputExceededException', errorMessage: 'Rate exceeded' });
      return failures;
    },
  });
}

/** Runs the batch through a handler with these shadow dependencies, twice, and returns what came out. */
async function run(shadow: Partial<HandlerDependencies>) {
  const output = flakyOutput(new Set([2]));
  const deadLetters = new MemoryDeadLetterSink();
  const { metrics, published } = capturedMetrics();
  const handler = createHandler({ loadModel: async () => main, runId: 'run-main', output, deadLetters, metrics, ...shadow });
  await handler.warmUp();
  const responses = [await handler(kinesisEvent(batch()), lambdaContext()), await handler(kinesisEvent(batch()), lambdaContext())];
  return { responses, written: output.records, letters: deadLetters.letters, published };
}

describe('shadow scoring in the handler', () => {
  it('scores every predicted ride with both models, keeps the pairs and changes nothing in the output', async () => {
    const baseline = await run({});
    const pairs = new MemoryPairSink();
    const { metrics: shadowMetrics, published: differences } = capturedMetrics();
    const shadowed = await run({ loadShadowModel: async () => candidate, shadowPairs: pairs, shadowMetrics });

    expect(shadowed.responses).toStrictEqual(baseline.responses);
    expect(shadowed.written).toStrictEqual(baseline.written);
    expect(shadowed.letters).toStrictEqual(baseline.letters);

    expect(pairs.objects).toHaveLength(2);
    const [first] = pairs.objects;
    expect(first!.span).toStrictEqual({
      eventSourceARN: batch()[0]!.eventSourceARN,
      shardId: TEST_SHARD_ID,
      firstSequenceNumber: sequenceNumber(0),
      lastSequenceNumber: sequenceNumber(6),
      approximateArrivalTimestamp: batch()[0]!.kinesis.approximateArrivalTimestamp,
    });
    // Every predicted ride, the one whose output write failed included.
    expect(first!.pairs.map((pair) => pair.ride_id)).toEqual([0, 1, 'ride-4', 5, 6]);
    const anchor = first!.pairs[0]!;
    expect(anchor).toStrictEqual({
      ride_id: 0,
      main_prediction: 12.78553032985699,
      main_version: 'run-main',
      shadow_prediction: candidate.predictor.predictOne({ PU_DO: '130_205', trip_distance: 3.66 }),
      shadow_version: candidate.description.version,
      arrival_time: new Date(batch()[0]!.kinesis.approximateArrivalTimestamp * 1000).toISOString(),
      shard_id: TEST_SHARD_ID,
      sequence_number: sequenceNumber(0),
    });

    const diffs = first!.pairs.map((pair) => pair.shadow_prediction - pair.main_prediction);
    const absolute = diffs.map(Math.abs).sort((a, b) => a - b);
    expect(differences).toHaveLength(2);
    expect(differences[0]).toMatchObject({
      ShadowVersion: candidate.description.version,
      ShadowRidesCompared: 5,
      ShadowMeanSignedDiff: diffs.reduce((a, b) => a + b, 0) / 5,
      ShadowP95AbsDiff: absolute[4],
    });
    expect(differences[0]!.ShadowMeanAbsDiff).toBeCloseTo(absolute.reduce((a, b) => a + b, 0) / 5, 12);
    expect(shadowed.published[0]).toMatchObject({ ShadowLoadFailures: 0, ShadowScoringFailures: 0, ShadowPairWriteFailures: 0, RecordsPredicted: 4 });
    // Without a shadow, no shadow metric at all.
    expect(Object.keys(baseline.published[0]!).filter((key) => key.startsWith('Shadow'))).toEqual([]);
  });

  it('a shadow that fails to load is logged, counted once, and the output goes on unchanged', async () => {
    const baseline = await run({});
    const pairs = new MemoryPairSink();
    let attempts = 0;
    const shadowed = await run({
      loadShadowModel: async () => {
        attempts++;
        throw new ModelFetchError('model not found: s3://models/candidate.bin does not exist');
      },
      shadowPairs: pairs,
    });
    expect(shadowed.responses).toStrictEqual(baseline.responses);
    expect(shadowed.written).toStrictEqual(baseline.written);
    expect(shadowed.letters).toStrictEqual(baseline.letters);
    expect(pairs.objects).toEqual([]);
    expect(attempts).toBe(1); // not retried within a minute
    expect(shadowed.published.map((m) => m.ShadowLoadFailures)).toEqual([1, 0]);
  });

  it('a shadow refused as it is is not fetched again, and counted on every invocation', async () => {
    const baseline = await run({});
    let attempts = 0;
    const shadowed = await run({
      loadShadowModel: async () => {
        attempts++;
        throw new ModelContractError('the model cannot be served: it reads "fare_amount" (numeric, 1 column): no ride field or derived key has this name');
      },
      shadowPairs: new MemoryPairSink(),
    });
    expect(shadowed.written).toStrictEqual(baseline.written);
    expect(attempts).toBe(1);
    expect(shadowed.published.map((m) => m.ShadowLoadFailures)).toEqual([1, 1]);
  });

  it('a shadow still loading delays nothing: the batch goes out without it', async () => {
    const baseline = await run({});
    const pairs = new MemoryPairSink();
    const handler = createHandler({
      loadModel: courseModel, output: new MemoryOutputSink(), deadLetters: new MemoryDeadLetterSink(),
      loadShadowModel: () => new Promise<LoadedModel>(() => undefined), // never settles
      shadowPairs: pairs,
    });
    const response = await handler(kinesisEvent([kinesisRecord({ json: ride(1) }, 0)]), lambdaContext());
    expect(response.batchItemFailures).toEqual([]);
    expect(pairs.objects).toEqual([]);
    expect(baseline.written.length).toBeGreaterThan(0);
  });

  it('a shadow that throws on every ride counts every ride as a shadow scoring failure', async () => {
    const baseline = await run({});
    const broken: LoadedModel = {
      ...candidate,
      predictor: { ...candidate.predictor, score: () => { throw new RangeError('broken candidate'); } },
    };
    const pairs = new MemoryPairSink();
    const shadowed = await run({ loadShadowModel: async () => broken, shadowPairs: pairs });
    expect(shadowed.responses).toStrictEqual(baseline.responses);
    expect(shadowed.written).toStrictEqual(baseline.written);
    expect(shadowed.letters).toStrictEqual(baseline.letters);
    expect(pairs.objects).toEqual([]);
    expect(shadowed.published[0]).toMatchObject({ ShadowScoringFailures: 5, ShadowLoadFailures: 0 });
  });

  it('a ride lacking a field only the shadow reads is a shadow scoring failure, not a dead letter', async () => {
    const baseline = await run({});
    const pairs = new MemoryPairSink();
    const shadowed = await run({ loadShadowModel: async () => passenger, shadowPairs: pairs });
    expect(shadowed.responses).toStrictEqual(baseline.responses);
    expect(shadowed.written).toStrictEqual(baseline.written);
    expect(shadowed.letters).toStrictEqual(baseline.letters);
    // Only ride 5 carries passenger_count.
    expect(pairs.objects[0]!.pairs.map((pair) => pair.ride_id)).toEqual([5]);
    expect(shadowed.published[0]).toMatchObject({ ShadowScoringFailures: 4 });
  });

  it('pairs that cannot be written are counted and the output is unaffected', async () => {
    const baseline = await run({});
    const shadowed = await run({ loadShadowModel: async () => candidate, shadowPairs: new MemoryPairSink(true) });
    expect(shadowed.responses).toStrictEqual(baseline.responses);
    expect(shadowed.written).toStrictEqual(baseline.written);
    expect(shadowed.published[0]).toMatchObject({ ShadowPairWriteFailures: 5, ShadowScoringFailures: 0 });
  });
});
