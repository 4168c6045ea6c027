/**
 * Kinesis events and Lambda contexts for tests.
 */
import type { Context, KinesisStreamEvent, KinesisStreamRecord } from 'aws-lambda';

export const TEST_STREAM_ARN = 'arn:aws:kinesis:us-east-1:000000000000:stream/ride_events';
export const TEST_SHARD_ID = 'shardId-000000000000';

/** Sequence numbers that sort as strings and as numbers, like real ones (56 digits). */
export function sequenceNumber(index: number): string {
  return `4963008166608487929058118563${String(index).padStart(28, '0')}`;
}

export function base64(text: string | Uint8Array): string {
  return Buffer.from(text).toString('base64');
}

/** A record whose data is `data` base64 as is (for poison), else the base64 of the given JSON text or value. */
export function kinesisRecord(
  payload: { readonly json: unknown } | { readonly text: string } | { readonly data: string },
  index: number,
  partitionKey = String(index),
): KinesisStreamRecord {
  const data =
    'data' in payload ? payload.data : 'text' in payload ? base64(payload.text) : base64(JSON.stringify(payload.json));
  const seq = sequenceNumber(index);
  return {
    kinesis: {
      kinesisSchemaVersion: '1.0',
      partitionKey,
      sequenceNumber: seq,
      data,
      approximateArrivalTimestamp: 1_764_028_800 + index / 1000,
    },
    eventSource: 'aws:kinesis',
    eventVersion: '1.0',
    eventID: `${TEST_SHARD_ID}:${seq}`,
    eventName: 'aws:kinesis:record',
    invokeIdentityArn: 'arn:aws:iam::000000000000:role/ride-duration',
    awsRegion: 'us-east-1',
    eventSourceARN: TEST_STREAM_ARN,
  };
}

export function kinesisEvent(records: readonly KinesisStreamRecord[]): KinesisStreamEvent {
  return { Records: [...records] };
}

/** A valid ride event payload. */
export function ride(rideId: number | string, pu = 130, dropoff = 205, distance = 3.66): unknown {
  return { ride: { PULocationID: pu, DOLocationID: dropoff, trip_distance: distance }, ride_id: rideId };
}

/** A Lambda context whose remaining time is `remainingMs()` (default: a minute, always). */
export function lambdaContext(remainingMs: () => number = () => 60_000): Context {
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName: 'ride-duration-prediction',
    functionVersion: '$LATEST',
    invokedFunctionArn: 'arn:aws:lambda:us-east-1:000000000000:function:ride-duration-prediction',
    memoryLimitInMB: '128',
    awsRequestId: 'c6af9ac6-7b61-11e6-9a41-93e812345678',
    logGroupName: '/aws/lambda/ride-duration-prediction',
    logStreamName: '2026/11/25/[$LATEST]0123456789abcdef',
    getRemainingTimeInMillis: remainingMs,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}
