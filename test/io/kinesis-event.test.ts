import { describe, expect, it } from 'vitest';

import {
  buildKinesisEvent,
  COURSE_RIDE_FIELDS,
  dumpsRideEvent,
  encodeRideEvent,
  KinesisEventBuilder,
  makePoison,
  POISON_KINDS,
  PoisonMixer,
  rideEvent,
  WIRE_POISON_KINDS,
} from '../../io/index.js';
import { courseModel } from '../support/model.js';

// `data` of the course's Kinesis test event (04-deployment/streaming/README.md).
const COURSE_DATA =
  'eyJyaWRlIjogeyJQVUxvY2F0aW9uSUQiOiAxMzAsICJET0xvY2F0aW9uSUQiOiAyMDUsICJ0cmlwX2Rpc3RhbmNlIjogMy42Nn0sICJyaWRlX2lkIjogMjU2fQ==';

const ride = {
  rowIndex: 7,
  PULocationID: 130,
  DOLocationID: 205,
  trip_distance: 3.66,
  pickup: null,
  dropoff: null,
  rideId: null,
  fields: { PULocationID: 130, DOLocationID: 205, trip_distance: 3.66 },
};

describe('ride events', () => {
  it('encode byte-for-byte like the course producer', () => {
    expect(encodeRideEvent(rideEvent(ride, 256)).toString('base64')).toBe(COURSE_DATA);
    expect(rideEvent(ride).ride_id).toBe(7);
    expect(dumpsRideEvent(rideEvent({ ...ride, fields: { PULocationID: 130, DOLocationID: null, trip_distance: 2 } }, 'x'))).toBe(
      '{"ride": {"PULocationID": 130, "DOLocationID": null, "trip_distance": 2.0}, "ride_id": "x"}',
    );
    // A row read without the course fields among its `fields` still gives the course event.
    expect(encodeRideEvent(rideEvent({ ...ride, fields: {} }, 256)).toString('base64')).toBe(COURSE_DATA);
  });

  it("default to the course model's fields, as its contract states them", async () => {
    expect(COURSE_RIDE_FIELDS).toEqual((await courseModel()).contract.requiredFields);
  });

  it("carry the fields a model needs, typed as Python's json.dumps writes them", () => {
    const fields = [
      { name: 'lpep_pickup_datetime', type: 'timestamp' },
      { name: 'store_and_fwd_flag', type: 'text' },
      { name: 'PULocationID', type: 'integer' },
      { name: 'passenger_count', type: 'integer' },
      { name: 'fare', type: 'number' },
    ] as const;
    const row = {
      ...ride,
      fields: { lpep_pickup_datetime: '2021-02-01 00:34:03', store_and_fwd_flag: 'Zoë "Z"\u007f', PULocationID: 130, passenger_count: 'abc', fare: 12 },
    };
    expect(dumpsRideEvent(rideEvent(row, 9, fields), fields)).toBe(
      '{"ride": {"lpep_pickup_datetime": "2021-02-01 00:34:03", "store_and_fwd_flag": "Zo\\u00eb \\"Z\\"\\u007f", ' +
        '"PULocationID": 130, "passenger_count": null, "fare": 12.0}, "ride_id": 9}',
    );
    const homework = fields.slice(2, 3);
    expect(dumpsRideEvent(rideEvent(ride, 1, homework), homework)).toBe('{"ride": {"PULocationID": 130}, "ride_id": 1}');
  });
});

describe('Kinesis events', () => {
  it('have the real record shape with increasing 56-digit sequence numbers', () => {
    const event = buildKinesisEvent(
      [
        { data: encodeRideEvent(rideEvent(ride, 256)), partitionKey: '256' },
        { data: 'second', partitionKey: '2' },
      ],
      { arrivalTime: 1654161514.132, region: 'eu-west-1', streamName: 'rides' },
    );
    const [first, second] = event.Records;
    expect(first).toMatchObject({
      eventSource: 'aws:kinesis',
      eventVersion: '1.0',
      eventName: 'aws:kinesis:record',
      awsRegion: 'eu-west-1',
      eventSourceARN: 'arn:aws:kinesis:eu-west-1:123456789012:stream/rides',
      kinesis: { kinesisSchemaVersion: '1.0', partitionKey: '256', data: COURSE_DATA, approximateArrivalTimestamp: 1654161514.132 },
    });
    expect(first?.invokeIdentityArn).toMatch(/^arn:aws:iam::123456789012:role\//);
    for (const record of event.Records) {
      expect(record.kinesis.sequenceNumber).toMatch(/^49\d{54}$/);
      expect(record.eventID).toBe(`shardId-000000000000:${record.kinesis.sequenceNumber}`);
    }
    expect(BigInt(second?.kinesis.sequenceNumber ?? 0)).toBeGreaterThan(BigInt(first?.kinesis.sequenceNumber ?? 0));
    expect(second?.kinesis.approximateArrivalTimestamp).toBe(1654161514.133);
    expect(Buffer.from(second?.kinesis.data ?? '', 'base64').toString()).toBe('second');
  });

  it('continue a shard across events from one builder', () => {
    const builder = new KinesisEventBuilder({ arrivalTime: 0, shardId: 'shardId-000000000003' });
    const a = builder.event([{ data: 'a', partitionKey: 'a' }]);
    const b = builder.event([{ data: 'b', partitionKey: 'b' }]);
    expect(BigInt(b.Records[0]?.kinesis.sequenceNumber ?? 0)).toBeGreaterThan(BigInt(a.Records[0]?.kinesis.sequenceNumber ?? 0));
    expect(b.Records[0]?.eventID).toMatch(/^shardId-000000000003:49/);
  });
});

describe('poison records', () => {
  it('cover every kind, each unusable as a ride event', () => {
    for (const [i, kind] of POISON_KINDS.entries()) {
      const poison = makePoison(kind, i);
      expect(poison.id).toBe(`poison-${i}`);
      expect(poison.partitionKey).toBe(poison.id);
      if (kind === 'bad-base64') {
        expect(poison.base64).toMatch(/[^A-Za-z0-9+/=]/);
        continue;
      }
      const text = new TextDecoder('utf-8', { fatal: false }).decode(poison.data);
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch {
        expect(['invalid-utf8', 'not-json', 'nan']).toContain(kind);
        continue;
      }
      const r = (parsed as { ride?: Record<string, unknown> }).ride;
      const valid =
        r !== undefined &&
        Number.isInteger(r['PULocationID']) &&
        Number.isInteger(r['DOLocationID']) &&
        typeof r['trip_distance'] === 'number' &&
        Number.isFinite(r['trip_distance']) &&
        r['trip_distance'] >= 0;
      expect(valid, kind).toBe(false);
    }
    expect(WIRE_POISON_KINDS).not.toContain('bad-base64');
  });

  it('are mixed in deterministically for a seed, at about the asked share', () => {
    const pick = (seed: number): string[] => {
      const mixer = new PoisonMixer({ fraction: 0.2, seed });
      return Array.from({ length: 1000 }, () => mixer.next()?.kind ?? '-');
    };
    const a = pick(42);
    expect(pick(42)).toEqual(a);
    expect(pick(43)).not.toEqual(a);
    const poison = a.filter((k) => k !== '-');
    expect(poison.length).toBeGreaterThan(150);
    expect(poison.length).toBeLessThan(250);
    expect(new Set(poison)).toEqual(new Set(POISON_KINDS));
    expect(new PoisonMixer({ fraction: 0 }).next()).toBeNull();
    expect(() => new PoisonMixer({ fraction: 1.5 })).toThrow(RangeError);
  });
});
