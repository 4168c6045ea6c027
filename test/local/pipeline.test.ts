/**
 * End to end, in-process: kinesalite + s3rver, the real handler behind the local event-source
 * mapping, 2,000 real rides of February 2021 (the bundled sample) with poison mixed in. Every valid
 * ride must come out of the output stream with scikit-learn's prediction, every poison record must
 * be in the dead-letter bucket with its reason, and nothing may be missing.
 */
import { readFileSync } from 'node:fs';
import type { KinesisStreamEvent } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import type { PoisonKind } from '../../io/index.js';
import type { KinesisBatchFunction } from '../../local/event-source-mapping.js';
import { runLocalPipeline } from '../../local/pipeline.js';
import { formatSummary } from '../../local/report.js';

/** scikit-learn's predictions for the first 2,000 rides of February 2021 (the sample's first rows). */
const GOLDEN = readFileSync(new URL('../fixtures/golden/official-lin_reg.csv', import.meta.url), 'utf8')
  .trim()
  .split('\n')
  .slice(1)
  .map((line) => Number(line.split(',')[3]));

/** What the dead letter's reason must mention for each poison kind. */
const REASONS: Record<PoisonKind, RegExp> = {
  'bad-base64': /base64/,
  'invalid-utf8': /UTF-8/,
  'not-json': /invalid JSON/,
  nan: /invalid JSON/,
  'not-an-object': /schema/,
  'missing-field': /DOLocationID/,
  'wrong-type': /PULocationID/,
  'non-integer-location': /PULocationID/,
  'negative-distance': /trip_distance/,
  'non-finite': /trip_distance/,
};

const relativeError = (actual: number, expected: number): number =>
  Math.abs(actual - expected) / Math.max(Math.abs(expected), Number.MIN_VALUE);

describe('npm start pipeline (runLocalPipeline)', () => {
  it('predicts every valid ride with the golden value, dead-letters every poison record, loses nothing', async () => {
    expect(GOLDEN).toHaveLength(2000);
    const summary = await runLocalPipeline({ count: 2000, poison: 0.03, shards: 2, batchSize: 100 });

    expect(summary.problems).toEqual([]);
    expect(summary.ok).toBe(true);
    expect(summary.producedRides).toBe(2000);
    expect(summary.producedPoison).toBeGreaterThan(30);
    expect(summary.produced).toBe(2000 + summary.producedPoison);
    expect(summary.predicted).toBe(2000);
    expect(summary.deadLettered).toBe(summary.producedPoison);
    expect(summary.missing).toBe(0);
    expect(summary.misrouted).toBe(0);
    expect(summary.unexpected).toBe(0);
    expect(summary.versions).toEqual(['sha256:b51a38fd7db9']);
    expect(summary.mapping.functionErrors).toBe(0);

    const rides = summary.outcomes.filter((o) => o.source === 'ride');
    expect(rides).toHaveLength(2000);
    let worst = 0;
    for (const ride of rides) {
      const golden = GOLDEN[ride.rowIndex ?? -1];
      expect(golden, `golden row for ride ${ride.key}`).toBeDefined();
      expect(ride.predictions.length).toBeGreaterThanOrEqual(1);
      for (const prediction of ride.predictions) worst = Math.max(worst, relativeError(prediction, golden ?? Number.NaN));
    }
    expect(worst).toBeLessThanOrEqual(1e-9);

    const poison = summary.outcomes.filter((o) => o.source === 'poison');
    expect(new Set(poison.map((p) => p.poisonKind)).size).toBeGreaterThanOrEqual(5);
    for (const record of poison) {
      expect(record.status).toBe('dead-lettered');
      expect(record.deadLetterReasons).toHaveLength(1);
      expect(record.deadLetterReasons[0]).toMatch(REASONS[record.poisonKind as PoisonKind]);
    }

    expect(summary.latencyMs?.p50).toBeGreaterThanOrEqual(0);
    expect(formatSummary(summary)).toContain('OK: every record is accounted for');
    // The handler read the pickle from S3 through the SDK, and every prediction above matched sklearn.
    expect(summary.model?.source).toBe('s3://models/lin_reg.bin');
    expect(formatSummary(summary)).toMatch(/loaded in [\d,]+ ms/);
    // The contract, and the drift the course model meets on the month after its training month.
    expect(formatSummary(summary)).toContain('contract        PU_DO (one-hot) ← join(PULocationID, DOLocationID, "_"); trip_distance (numeric) ← ride.trip_distance (number)');
    expect(summary.unseen.rides).toBeGreaterThan(0);
    expect(summary.unseen.rides).toBeLessThan(summary.predicted / 4);
    expect(summary.unseen.sample[0]).toMatch(/^PU_DO=\d+_\d+$/);
    expect(formatSummary(summary)).toMatch(/unseen values +\d+ +rides scored with a value the model never saw \([\d.]+ %\), e\.g\. PU_DO=\d+_\d+/);
  });

  it('re-delivers from the lowest failed sequence number when the handler reports batchItemFailures', async () => {
    const deliveries: KinesisStreamEvent[] = [];
    let failed = false;
    // The real handler writes every prediction; the wrapper then reports records 30 and 10 of the
    // first batch as failed, once, as a handler whose output write failed for them would.
    const wrapHandler = (handler: KinesisBatchFunction): KinesisBatchFunction => async (event, context) => {
      deliveries.push(event);
      const response = await handler(event, context);
      if (failed || event.Records.length < 31) return response;
      failed = true;
      const sequence = (i: number): string => event.Records[i]?.kinesis.sequenceNumber ?? '';
      return { batchItemFailures: [{ itemIdentifier: sequence(30) }, { itemIdentifier: sequence(10) }] };
    };
    const summary = await runLocalPipeline({ count: 300, poison: 0, batchSize: 100, wrapHandler });

    expect(failed).toBe(true);
    const [first, second] = deliveries;
    // The next delivery starts at the lowest failed record; records 0..9 were checkpointed.
    expect(second?.Records[0]?.kinesis.sequenceNumber).toBe(first?.Records[10]?.kinesis.sequenceNumber);
    expect(second?.Records.slice(0, 90).map((r) => r.kinesis.sequenceNumber)).toEqual(
      first?.Records.slice(10).map((r) => r.kinesis.sequenceNumber),
    );
    expect(summary.mapping).toMatchObject({ partialFailures: 1, retries: 1, recordsCheckpointed: 300 });
    // Records 10..99 were written by both deliveries: at-least-once, visible as duplicates.
    expect(summary.duplicates).toBe(90);
    expect(summary.ok).toBe(true);
    expect(summary.predicted).toBe(300);
    for (const ride of summary.outcomes) {
      for (const prediction of ride.predictions) {
        expect(relativeError(prediction, GOLDEN[ride.rowIndex ?? -1] ?? Number.NaN)).toBeLessThanOrEqual(1e-9);
      }
    }
  });

  it('reports a record the function keeps failing on: bisected down, retried, sent to on-failure, missing', async () => {
    // The function throws whenever ride 57 is in its batch (a bug, not bad input).
    const wrapHandler = (handler: KinesisBatchFunction): KinesisBatchFunction => async (event, context) => {
      const hasRide57 = event.Records.some((r) => Buffer.from(r.kinesis.data, 'base64').toString().endsWith('"ride_id": 57}'));
      if (hasRide57) throw new Error('cannot score ride 57');
      return handler(event, context);
    };
    const summary = await runLocalPipeline({ count: 200, poison: 0, batchSize: 100, maxRetries: 1, wrapHandler });

    expect(summary.ok).toBe(false);
    expect(summary.missing).toBe(1);
    expect(summary.predicted).toBe(199);
    expect(summary.outcomes.find((o) => o.status === 'missing')?.key).toBe('57');
    expect(summary.onFailure).toHaveLength(1);
    expect(summary.onFailure[0]?.KinesisBatchInfo.batchSize).toBe(1);
    expect(summary.onFailure[0]?.lastError).toContain('cannot score ride 57');
    expect(summary.mapping.bisections).toBeGreaterThanOrEqual(6);
    expect(summary.problems.join('\n')).toContain('1 record(s) missing');
    expect(formatSummary(summary)).toContain('FAILED');
  });
});
