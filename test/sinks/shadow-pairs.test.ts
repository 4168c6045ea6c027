/**
 * The shadow pairs' JSON lines: byte for byte `JSON.stringify(pair)` per line, whatever the ride
 * id or versions hold; and the object key, derived like a dead letter's from the batch's span.
 */
import { describe, expect, it } from 'vitest';
import { pairsToJsonLines } from '../../lambda/shadow/s3-pairs.js';
import type { ShadowPair } from '../../lambda/shadow/types.js';
import { spanKey } from '../../lambda/sinks/dead-letter.js';

const pair = (overrides: Partial<ShadowPair> = {}): ShadowPair => ({
  ride_id: 256,
  main_prediction: 12.78553032985699,
  main_version: 'run-1',
  shadow_prediction: 1e-7,
  shadow_version: 'sha256:2b993cd21c4e',
  arrival_time: '2025-11-25T00:00:00.001Z',
  shard_id: 'shardId-000000000000',
  sequence_number: '49630081666084879290581185630000000000000000000000000001',
  ...overrides,
});

describe('pairsToJsonLines', () => {
  it('writes each pair as JSON.stringify would', () => {
    const pairs = [
      pair(),
      pair({ ride_id: 'ride "quoted" \\ \u00e9 \u2028', main_prediction: -0.5, shadow_prediction: 123456789.123 }),
      pair({ main_version: 'v"2', shadow_version: '\u0001' }),
      pair({ ride_id: 0, shadow_prediction: 5e-324 }),
    ];
    expect(pairsToJsonLines(pairs)).toBe(pairs.map((p) => `${JSON.stringify(p)}\n`).join(''));
    expect(pairsToJsonLines([])).toBe('');
  });

  it('names the object shadow/dt=<arrival day>/<stream>/<shard>/<first>-<last>.jsonl', () => {
    expect(
      spanKey('shadow/', {
        eventSourceARN: 'arn:aws:kinesis:us-east-1:000000000000:stream/ride_events',
        shardId: 'shardId-000000000001',
        firstSequenceNumber: '10',
        lastSequenceNumber: '20',
        approximateArrivalTimestamp: 1_764_028_800.5,
      }),
    ).toBe('shadow/dt=2025-11-25/ride_events/shardId-000000000001/10-20.jsonl');
  });
});
