/**
 * The function's own signed `PutObject` (lambda/signed-s3-client.ts) behind the dead-letter sink:
 * its SigV4 signature recomputed by the SDK's own signer from the request as it arrived, and its
 * retry, error and deadline rules against a small HTTP peer that answers as S3 does. The writes
 * against a real s3rver are in dead-letter.test.ts, with both writers.
 */
import { createHash } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { MAX_ATTEMPTS, SignedS3Client } from '../../lambda/signed-s3-client.js';
import { DEAD_LETTER_CONTENT_TYPE, deadLetterKey, deadLettersToJsonLines, MAX_WRITE_MS, S3DeadLetterSink } from '../../lambda/sinks/dead-letter.js';
import type { DeadLetter } from '../../lambda/sinks/types.js';
import { sequenceNumber, TEST_SHARD_ID, TEST_STREAM_ARN } from '../support/events.js';
import { TEST_CREDENTIALS, TEST_REGION } from '../support/services.js';
import { usePeer } from '../support/peer.js';
import { resignWithSdk } from '../support/sigv4.js';

const letters = (): DeadLetter[] => [
  {
    reason: 'schema: ride.trip_distance: expected a finite number',
    kind: 'schema',
    eventSourceARN: TEST_STREAM_ARN,
    shardId: TEST_SHARD_ID,
    sequenceNumber: sequenceNumber(7),
    partitionKey: 'ü 7',
    approximateArrivalTimestamp: 1_764_028_800.5,
    data: 'eyJyaWRlIjp7fX0=',
  },
];

function s3Error(response: ServerResponse, status: number, code: string): void {
  response.writeHead(status, { 'content-type': 'application/xml' }).end(`<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${code} says S3</Message><RequestId>r</RequestId></Error>`);
}

/** A peer answering the queued `status code` pairs in turn, then 200. */
async function queuedPeer(answers: string[]) {
  return usePeer((_request, response) => {
    const next = answers.shift();
    if (next === undefined) {
      response.writeHead(200, { etag: '"abc"' }).end();
      return;
    }
    const [status, code] = next.split(' ');
    s3Error(response, Number(status), code ?? '');
  });
}

const withDeadline = (ms: number) => ({ remainingTimeMs: () => ms });

afterEach(() => {
  vi.restoreAllMocks();
});

describe('the signed PUT of the dead letters', () => {
  it('signs exactly what it sends: body hash, content type and length, and the SigV4 signature recomputed from the request as received', async () => {
    const server = await usePeer((_request, response) => response.writeHead(200).end());
    const credentials = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret', sessionToken: 'token' };
    const client = new SignedS3Client({ region: 'eu-west-1', credentials, endpoint: server.endpoint });
    await new S3DeadLetterSink({ client, bucket: 'dlq', prefix: 'dead-letters/' }).write(letters(), withDeadline(5_000));

    expect(server.seen).toHaveLength(1);
    const received = server.seen[0]!;
    const text = deadLettersToJsonLines(letters());
    expect(received.method).toBe('PUT');
    // The key's `=` escaped once, as S3's canonical URI wants it.
    expect(received.path).toBe(`/dlq/${deadLetterKey('dead-letters/', letters()).replace(/=/g, '%3D')}`);
    expect(received.body.toString('utf8')).toBe(text);
    expect(received.headers['content-type']).toBe(DEAD_LETTER_CONTENT_TYPE);
    expect(received.headers['content-length']).toBe(String(Buffer.byteLength(text)));
    expect(received.headers['x-amz-content-sha256']).toBe(createHash('sha256').update(received.body).digest('hex'));
    expect(received.headers['x-amz-security-token']).toBe('token');

    const { signedHeaders, authorization } = await resignWithSdk(received, { service: 's3', region: 'eu-west-1', credentials, s3: true });
    expect(signedHeaders).toEqual(['content-length', 'content-type', 'host', 'x-amz-content-sha256', 'x-amz-date', 'x-amz-security-token']);
    expect(received.headers.authorization).toBe(authorization);
  });

  it('retries 5xx answers and throttling (SlowDown), sending the whole body each time, then succeeds', async () => {
    const server = await queuedPeer(['503 SlowDown', '500 InternalError']);
    const client = new SignedS3Client({ region: TEST_REGION, credentials: TEST_CREDENTIALS, endpoint: `${server.endpoint}/prefix/` });
    await new S3DeadLetterSink({ client, bucket: 'dlq', prefix: '' }).write(letters(), withDeadline(5_000));
    expect(server.seen).toHaveLength(3);
    const key = deadLetterKey('', letters()).replace(/=/g, '%3D');
    expect(server.seen.map((r) => r.path)).toEqual(Array(3).fill(`/prefix/dlq/${key}`)); // path-style under the endpoint's path
    for (const request of server.seen) expect(request.body.toString('utf8')).toBe(deadLettersToJsonLines(letters()));
  });

  it('gives up after its attempts with S3\'s code and message', async () => {
    const server = await queuedPeer(Array(MAX_ATTEMPTS + 1).fill('500 InternalError'));
    const client = new SignedS3Client({ region: TEST_REGION, credentials: TEST_CREDENTIALS, endpoint: server.endpoint });
    const sink = new S3DeadLetterSink({ client, bucket: 'dlq', prefix: '' });
    await expect(sink.write(letters(), withDeadline(5_000))).rejects.toMatchObject({
      name: 'InternalError', message: 'InternalError says S3', $metadata: { httpStatusCode: 500 },
    });
    expect(server.seen).toHaveLength(MAX_ATTEMPTS);
  });

  it('does not retry what another attempt cannot change (AccessDenied)', async () => {
    const server = await queuedPeer(['403 AccessDenied']);
    const client = new SignedS3Client({ region: TEST_REGION, credentials: TEST_CREDENTIALS, endpoint: server.endpoint });
    const sink = new S3DeadLetterSink({ client, bucket: 'dlq', prefix: '' });
    await expect(sink.write(letters(), withDeadline(5_000))).rejects.toMatchObject({ name: 'AccessDenied', $metadata: { httpStatusCode: 403 } });
    expect(server.seen).toHaveLength(1);
  });

  it('stops at the deadline the sink passes: a silent S3 is abandoned, and so are the retries of a throttling one', async () => {
    const silent = await usePeer(() => undefined); // reads the request, never answers
    const client = new SignedS3Client({ region: TEST_REGION, credentials: TEST_CREDENTIALS, endpoint: silent.endpoint });
    const sink = new S3DeadLetterSink({ client, bucket: 'dlq', prefix: '' });
    const started = performance.now();
    await expect(sink.write(letters(), withDeadline(200))).rejects.toMatchObject({ name: 'AbortError' });
    expect(performance.now() - started).toBeLessThan(1_000);
    expect(silent.seen).toHaveLength(1); // an aborted attempt is not retried

    // Throttled, and the deadline passes in the backoff wait: the call ends then, with S3's answer.
    const throttling = await queuedPeer(Array(MAX_ATTEMPTS).fill('503 SlowDown'));
    const throttled = new SignedS3Client({ region: TEST_REGION, credentials: TEST_CREDENTIALS, endpoint: throttling.endpoint });
    const abort = new AbortController();
    // The backoff's draw: the longest first wait (~200 ms), and the abort just after it began.
    let waitBegan = Number.NaN;
    vi.spyOn(Math, 'random').mockImplementationOnce(() => {
      waitBegan = performance.now();
      queueMicrotask(() => abort.abort());
      return 0.999;
    });
    await expect(throttled.putObject('dlq', 'k.jsonl', 'x', { abortSignal: abort.signal })).rejects.toMatchObject({
      name: 'SlowDown', $metadata: { httpStatusCode: 503 },
    });
    expect(performance.now() - waitBegan).toBeLessThan(150); // the wait was cut short
    expect(throttling.seen).toHaveLength(1);
  });

  it('the deadline given to the writer is the remaining time, capped at MAX_WRITE_MS', async () => {
    const timeout = vi.spyOn(AbortSignal, 'timeout');
    const server = await queuedPeer([]);
    const client = new SignedS3Client({ region: TEST_REGION, credentials: TEST_CREDENTIALS, endpoint: server.endpoint });
    const sink = new S3DeadLetterSink({ client, bucket: 'dlq', prefix: '' });
    await sink.write(letters(), withDeadline(Number.POSITIVE_INFINITY));
    await sink.write(letters(), withDeadline(1_234.5));
    expect(timeout.mock.calls).toEqual([[MAX_WRITE_MS], [1_234]]);
  });
});
