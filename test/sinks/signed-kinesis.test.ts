/**
 * The function's own signed `PutRecords` (lambda/signed-kinesis-writer.ts): against a real
 * kinesalite (records land and read back through the SDK; a missing stream is Kinesis' own
 * ResourceNotFoundException), against a small HTTP peer that answers partial failures and
 * throttling as Kinesis does, and its SigV4 signature recomputed by the SDK's own signer from the
 * request as it arrived.
 */
import type { ServerResponse } from 'node:http';
import { usePeer } from '../support/peer.js';
import { resignWithSdk } from '../support/sigv4.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SignedKinesisWriter } from '../../lambda/signed-kinesis-writer.js';
import { KinesisOutputSink, putRecordsReliably } from '../../lambda/sinks/kinesis.js';
import { OutputBatch } from '../../lambda/sinks/output-batch.js';
import type { OutputRecord } from '../../lambda/sinks/types.js';
import { createStream, readStream, startKinesalite, TEST_CREDENTIALS, TEST_REGION, type RunningKinesalite } from '../support/services.js';

const encoder = new TextEncoder();
const records = (n: number): OutputRecord[] =>
  Array.from({ length: n }, (_, i) => ({ data: encoder.encode(`{"ride_id":${i},"é":"ü"}`), partitionKey: String(i) }));
const unbounded = { remainingTimeMs: () => 60_000, sleep: async () => undefined };

let kinesis: RunningKinesalite;

beforeAll(async () => {
  kinesis = await startKinesalite();
  await createStream(kinesis.client, 'signed_out', 2);
});

afterAll(async () => {
  await kinesis?.stop();
});

/** A local HTTP peer recording each request and answering its parsed JSON body with `answer`. */
function peer(answer: (body: Record<string, unknown>, response: ServerResponse) => void) {
  return usePeer((request, response) => answer(JSON.parse(request.text) as Record<string, unknown>, response));
}

function json(response: ServerResponse, status: number, value: unknown): void {
  response.writeHead(status, { 'content-type': 'application/x-amz-json-1.1' }).end(JSON.stringify(value));
}

describe('SignedKinesisWriter', () => {
  it('writes through kinesalite: every record lands once, bytes and partition keys intact', async () => {
    const client = new SignedKinesisWriter({ region: TEST_REGION, credentials: TEST_CREDENTIALS, endpoint: kinesis.endpoint });
    const sink = new KinesisOutputSink({ client, streamName: 'signed_out' });
    const batch = OutputBatch.of(records(1_200)); // three PutRecords chunks
    expect(await sink.write(batch, unbounded)).toEqual([]);
    const landed = await readStream(kinesis.client, 'signed_out');
    expect(landed).toHaveLength(1_200);
    const byKey = new Map(landed.map((record) => [record.partitionKey, record.data]));
    for (let i = 0; i < 1_200; i++) expect(byKey.get(String(i))).toBe(`{"ride_id":${i},"é":"ü"}`);
  });

  it('a missing stream is ResourceNotFoundException: every record failed at once, no retries', async () => {
    const client = new SignedKinesisWriter({ region: TEST_REGION, credentials: TEST_CREDENTIALS, endpoint: kinesis.endpoint });
    const report = await putRecordsReliably(client, 'no_such_stream', records(3), unbounded);
    expect(report.calls).toBe(1);
    expect(report.failures.map((f) => [f.index, f.errorCode])).toEqual([
      [0, 'ResourceNotFoundException'],
      [1, 'ResourceNotFoundException'],
      [2, 'ResourceNotFoundException'],
    ]);
    expect(report.failures[0]?.errorMessage).toMatch(/no_such_stream/);
  });

  it('retries only the entries Kinesis failed, and a throttled call as a whole, until all are written', async () => {
    let call = 0;
    const server = await peer((body, response) => {
      call++;
      const entries = body.Records as Array<{ PartitionKey: string }>;
      if (call === 1) {
        // Kinesis' partial failure: the second entry throttled.
        json(response, 200, {
          FailedRecordCount: 1,
          Records: entries.map((_, i) =>
            i === 1 ? { ErrorCode: 'ProvisionedThroughputExceededException', ErrorMessage: 'Rate exceeded for shard' } : { SequenceNumber: `${i}`, ShardId: 'shardId-0' },
          ),
        });
      } else if (call === 2) {
        json(response, 400, { __type: 'com.amazonaws.kinesis.v20131202#ProvisionedThroughputExceededException', message: 'slow down' });
      } else {
        json(response, 200, { FailedRecordCount: 0, Records: entries.map((_, i) => ({ SequenceNumber: `${i}`, ShardId: 'shardId-0' })) });
      }
    });
    const client = new SignedKinesisWriter({ region: TEST_REGION, credentials: TEST_CREDENTIALS, endpoint: server.endpoint });
    const report = await putRecordsReliably(client, 'out', records(3), unbounded);
    expect(report).toMatchObject({ failures: [], calls: 3, retriedEntries: 2 });
    const keys = server.seen.map((request) => (JSON.parse(request.text) as { Records: Array<{ PartitionKey: string; Data: string }> }).Records.map((r) => r.PartitionKey));
    expect(keys).toEqual([['0', '1', '2'], ['1'], ['1']]);
    const first = JSON.parse(server.seen[0]?.text ?? '{}') as { StreamName: string; Records: Array<{ Data: string }> };
    expect(first.StreamName).toBe('out');
    expect(Buffer.from(first.Records[0]?.Data ?? '', 'base64').toString('utf8')).toBe('{"ride_id":0,"é":"ü"}');
    expect(server.seen[0]?.headers['x-amz-target']).toBe('Kinesis_20131202.PutRecords');
    expect(server.seen[0]?.headers['content-type']).toBe('application/x-amz-json-1.1');
  });

  it('a 5xx without a body is InternalFailure and retried; a 4xx validation error is not', async () => {
    let call = 0;
    const server = await peer((_body, response) => {
      call++;
      if (call === 1) response.writeHead(503).end();
      else json(response, 400, { __type: 'ValidationException', message: 'bad request' });
    });
    const client = new SignedKinesisWriter({ region: TEST_REGION, credentials: TEST_CREDENTIALS, endpoint: server.endpoint });
    const report = await putRecordsReliably(client, 'out', records(2), unbounded);
    expect(report.calls).toBe(2);
    expect(report.failures.map((f) => f.errorCode)).toEqual(['ValidationException', 'ValidationException']);
  });

  it('a Kinesis that never answers: the call is aborted at the deadline and every record reported failed, none lost', async () => {
    const server = await peer(() => undefined); // reads the request, never answers
    try {
      const client = new SignedKinesisWriter({ region: TEST_REGION, credentials: TEST_CREDENTIALS, endpoint: server.endpoint });
      const deadline = Date.now() + 300;
      const started = Date.now();
      const report = await putRecordsReliably(client, 'out', records(3), { remainingTimeMs: () => deadline - Date.now(), sleep: async () => undefined });
      expect(Date.now() - started).toBeLessThan(2_000);
      expect(report.failures.map((f) => f.index)).toEqual([0, 1, 2]);
      expect(report.failures[0]?.errorMessage).toMatch(/deadline|time/i);
    } finally {
      await server.close(); // resolves only once the aborted call's socket is gone
    }
  });

  it('signs exactly what it sends: the SigV4 signature recomputed by the SDK signer from the request as received matches', async () => {
    const server = await peer((_body, response) => json(response, 200, { FailedRecordCount: 0, Records: [{ SequenceNumber: '1', ShardId: 'shardId-0' }] }));
    const credentials = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret', sessionToken: 'token' };
    const client = new SignedKinesisWriter({ region: 'eu-west-1', credentials, endpoint: server.endpoint });
    await client.putRecords({ StreamName: 'out', Records: [{ Data: encoder.encode('x'), PartitionKey: 'k' }] }, { abortSignal: AbortSignal.timeout(5_000) });
    const received = server.seen[0]!;
    // S3's rules off: Kinesis takes the payload hash from the body; x-amz-content-sha256 is S3's.
    const { signedHeaders, authorization } = await resignWithSdk(received, { service: 'kinesis', region: 'eu-west-1', credentials, s3: false });
    expect(signedHeaders).toEqual(['content-type', 'host', 'x-amz-date', 'x-amz-security-token', 'x-amz-target']);
    expect(received.headers.authorization).toBe(authorization);
  });
});

describe('endpoints by region', () => {
  it('uses each partition\'s DNS suffix', async () => {
    const { dnsSuffix } = await import('../../lambda/aws-http.js');
    expect(['eu-west-1', 'us-gov-west-1', 'cn-north-1', 'us-iso-east-1', 'us-isob-east-1'].map(dnsSuffix)).toEqual([
      'amazonaws.com',
      'amazonaws.com',
      'amazonaws.com.cn',
      'c2s.ic.gov',
      'sc2s.sgov.gov',
    ]);
  });
});
