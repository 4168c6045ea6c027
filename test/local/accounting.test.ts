/**
 * The local run's books: a record is predicted, dead-lettered, missing or misrouted; copies are
 * duplicates; latencies are nearest-rank percentiles.
 */
import { describe, expect, it } from 'vitest';
import { reconcile } from '../../local/accounting.js';
import type { ObservedPrediction } from '../../local/observe.js';
import type { ReplayRecord } from '../../local/replay.js';
import type { DeadLetter } from '../../lambda/sinks/types.js';

const ride = (i: number, expected: ReplayRecord['expected'] = 'prediction'): ReplayRecord => ({
  key: String(i),
  data: new Uint8Array(),
  source: 'ride',
  rowIndex: i,
  expected,
});
const poison = (i: number): ReplayRecord => ({
  key: `poison-${i}`,
  data: new Uint8Array(),
  source: 'poison',
  poisonKind: 'not-json',
  expected: 'dead-letter',
});
const read = (key: string | number, readAt: number, duration = 10): ObservedPrediction => ({
  event: { model: 'ride_duration_prediction_model', version: 'v1', prediction: { ride_duration: duration, ride_id: key } },
  key: String(key),
  readAt,
  shardId: 'shardId-000000000000',
  sequenceNumber: String(readAt),
});
const letter = (partitionKey: string, sequenceNumber: string, reason = 'invalid JSON: …'): DeadLetter => ({
  reason,
  kind: 'json',
  eventSourceARN: 'arn:aws:kinesis:us-east-1:000000000000:stream/ride_events',
  shardId: 'shardId-000000000000',
  sequenceNumber,
  partitionKey,
  approximateArrivalTimestamp: 1,
  data: '',
});

describe('reconcile', () => {
  it('accounts predicted, dead-lettered, duplicate, missing, misrouted and unexpected records', () => {
    const records = [ride(0), ride(1), ride(2), ride(3), poison(0), poison(1), ride(4, 'dead-letter')];
    const producedAt = new Map(records.map((r) => [r.key, 1000]));
    const predictions = [read(0, 1100), read(1, 1200), read(1, 1300), read(3, 1400), read('poison-1', 1500), read(99, 1600)];
    const letters = [
      letter('poison-0', '10'),
      letter('poison-0', '10'), // the same record dead-lettered again after a re-delivery
      letter('3', '11'),
      letter('4', '12', 'schema: ride.trip_distance: …'),
    ];
    const books = reconcile(records, producedAt, predictions, letters);

    expect(books).toMatchObject({
      produced: 7,
      producedRides: 5,
      producedPoison: 2,
      invalidRides: 1,
      predicted: 2, // 0 and 1
      deadLettered: 2, // poison-0 and the invalid ride 4
      duplicates: 2, // ride 1 read twice, poison-0's dead letter stored twice
      missing: 1, // ride 2
      misrouted: 2, // ride 3 both predicted and dead-lettered, poison-1 predicted
      unexpected: 1, // ride 99 was never produced
      versions: ['v1'],
      deadLetterKinds: { json: 3 },
    });
    const status = Object.fromEntries(books.outcomes.map((o) => [o.key, o.status]));
    expect(status).toEqual({
      0: 'predicted',
      1: 'predicted',
      2: 'missing',
      3: 'misrouted',
      4: 'dead-lettered',
      'poison-0': 'dead-lettered',
      'poison-1': 'misrouted',
    });
    expect(books.outcomes.find((o) => o.key === '1')?.predictions).toEqual([10, 10]);
    expect(books.outcomes.find((o) => o.key === '4')?.deadLetterReasons).toEqual(['schema: ride.trip_distance: …']);
    // Latency from the first read: 100, 200, 400 (ride 3) and 500 (poison-1) ms.
    expect(books.latencyMs).toEqual({ p50: 200, p95: 500, p99: 500, max: 500 });
  });

  it('skips records that never made it onto the stream (the producer reports them)', () => {
    const books = reconcile([ride(0), ride(1)], new Map([['0', 5]]), [read(0, 6)], []);
    expect(books).toMatchObject({ produced: 1, predicted: 1, missing: 0 });
    expect(books.latencyMs?.p50).toBe(1);
  });
});

