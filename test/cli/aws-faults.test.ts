/**
 * Faults kinesalite and s3rver cannot produce (5xx, HTML and text error pages, throttling, 403),
 * answered by a local HTTP server, and the ones they can (a missing bucket): each command ends in
 * one plain line naming the flag or stream and the location, retrying only throttling and 5xx.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { runProduce } from '../../cli/commands/produce.js';
import { runScore } from '../../cli/commands/score.js';
import { runTail } from '../../cli/commands/tail.js';
import { loadCliModel } from '../../cli/model.js';
import { createBucket, putObject, startS3rver, type RunningS3rver } from '../support/services.js';
import { courseModel } from '../support/model.js';
import { memoryIO, repoPath } from './support.js';

type Answer = (request: IncomingMessage, response: ServerResponse) => void;

/** A local HTTP server answering every request with `answer`; counts requests. */
async function fakeService(answer: Answer): Promise<{ endpoint: string; requests: () => number; close: () => Promise<void> }> {
  let requests = 0;
  const server = createServer((request, response) => {
    requests++;
    request.resume().on('end', () => answer(request, response));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    requests: () => requests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

const json = (status: number, type: string, message: string): Answer => (_, response) =>
  response.writeHead(status, { 'content-type': 'application/x-amz-json-1.1' }).end(JSON.stringify({ __type: type, message }));
const text = (status: number, contentType: string, body: string): Answer => (_, response) => response.writeHead(status, { 'content-type': contentType }).end(body);

const SAMPLE = repoPath('local/data/green_tripdata_2021-02.sample.csv');
// No keys: a local endpoint then gets the dummy pair (`localEndpointCredentials`), as from a bare shell.
const ENV_KEYS = { AWS_REGION: 'us-east-1' };

let dir: string;
let s3: RunningS3rver;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'aws-faults-'));
  s3 = await startS3rver();
});
afterAll(async () => {
  await s3.dispose();
  await rm(dir, { recursive: true, force: true });
});

/** The error of a promise that must fail. */
const failure = (promise: Promise<unknown>): Promise<Error> => promise.then(() => new Error('did not fail'), (e: unknown) => e as Error);

describe('produce and tail: the stream check retries throttling and 5xx, then fails in one line', () => {
  it('produce: HTTP 500 to everything: retried with progress on stderr, then one line naming stream, endpoint and status', async () => {
    const kinesis = await fakeService(json(500, 'InternalFailure', 'internal'));
    const io = memoryIO();
    const error = await failure(runProduce({ stream: 'ride_events', endpoint: kinesis.endpoint, input: SAMPLE, count: 5 }, io, { loadModel: courseModel }));
    await kinesis.close();
    expect(error.message).toBe(`stream ride_events at ${kinesis.endpoint}: Kinesis answered HTTP 500 (internal server error: InternalFailure: internal) after 6 attempts`);
    expect(kinesis.requests()).toBe(6);
    // A line once the waiting passed a second: not silent, not one per millisecond.
    const progress = io.err().trimEnd().split('\n');
    expect(progress.length).toBeGreaterThanOrEqual(1);
    expect(progress.length).toBeLessThanOrEqual(3);
    expect(progress[0]).toMatch(/^produce: stream ride_events at http:\/\/127\.0\.0\.1:\d+: Kinesis answered HTTP 500 .*; retrying \(attempt \d of 6\)$/);
  }, 20_000);

  it('tail: throttling and an HTML 502 page are told in plain words, without the SDK parse error', async () => {
    const throttled = await fakeService(json(400, 'ProvisionedThroughputExceededException', 'Rate exceeded'));
    const error = await failure(runTail({ stream: 'ride_predictions', endpoint: throttled.endpoint, timeout: 5 }, memoryIO(), { backoffMs: 5 }));
    await throttled.close();
    expect(error.message).toBe(`stream ride_predictions at ${throttled.endpoint}: Kinesis is throttling (ProvisionedThroughputExceededException: Rate exceeded) after 6 attempts`);
    expect(throttled.requests()).toBe(6);

    const gateway = await fakeService(text(502, 'text/html', '<html><body>Bad Gateway</body></html>'));
    const bad = await failure(runTail({ stream: 'ride_predictions', endpoint: gateway.endpoint, timeout: 5 }, memoryIO(), { backoffMs: 5 }));
    await gateway.close();
    expect(bad.message).toBe(`stream ride_predictions at ${gateway.endpoint}: Kinesis answered HTTP 502 (bad gateway) after 6 attempts`);
  });

  it('tail: access denied is not retried', async () => {
    const denied = await fakeService(json(400, 'AccessDeniedException', 'User is not authorized to perform: kinesis:ListShards'));
    const error = await failure(runTail({ stream: 'private', endpoint: denied.endpoint, timeout: 5 }, memoryIO(), { backoffMs: 5 }));
    await denied.close();
    expect(error.message).toMatch(/^stream private at http:\/\/127\.0\.0\.1:\d+: access denied: User is not authorized to perform: kinesis:ListShards/);
    expect(denied.requests()).toBe(1);
  });
});

describe('S3 failures name the flag and the location in one plain line', () => {
  const model = 's3://models/lin_reg.bin';
  const cases: Array<[string, Answer, string]> = [
    ['an HTML 502', text(502, 'text/html', '<html>Bad Gateway</html>'), `-m ${model}: S3 answered HTTP 502 (bad gateway) after 3 attempts`],
    ['a text 500', text(500, 'text/plain', 'oops, not XML'), `-m ${model}: S3 answered HTTP 500 (internal server error) after 3 attempts`],
    [
      'a 403',
      text(403, 'application/xml', '<Error><Code>AccessDenied</Code><Message>Access Denied</Message></Error>'),
      `-m ${model}: S3 denied access (AccessDenied); the credentials in use lack permission for it`,
    ],
  ];
  for (const [what, answer, line] of cases) {
    it(`-m on ${what}`, async () => {
      const server = await fakeService(answer);
      const error = await failure(loadCliModel(model, { ...ENV_KEYS, S3_ENDPOINT_URL: server.endpoint }, { flag: '-m' }));
      await server.close();
      expect(error.message).toBe(line);
      expect(error.message).not.toMatch(/\\n|\n|Deserialization|UnknownError|\$response/);
    });
  }

  it('-m and -o in a bucket that does not exist (s3rver)', async () => {
    const env = { ...ENV_KEYS, S3_ENDPOINT_URL: s3.endpoint };
    const error = await failure(loadCliModel('s3://nosuchbucket/x.bin', env, { flag: '-m' }));
    expect(error.message).toBe('-m s3://nosuchbucket/x.bin: no such bucket "nosuchbucket"');

    const input = join(dir, 'rides.csv');
    await writeFile(input, 'PULocationID,DOLocationID,trip_distance\n130,205,3.66\n');
    const saved = process.env['S3_ENDPOINT_URL'];
    process.env['S3_ENDPOINT_URL'] = s3.endpoint;
    try {
      const out = await failure(runScore({ input, output: 's3://nosuchbucket/out.csv' }, memoryIO(), { loadModel: courseModel }));
      expect(out.message).toBe('-o s3://nosuchbucket/out.csv: no such bucket "nosuchbucket"');
    } finally {
      if (saved === undefined) delete process.env['S3_ENDPOINT_URL'];
      else process.env['S3_ENDPOINT_URL'] = saved;
    }
  });
});

describe('score: S3 inputs and outputs that S3 refuses, in words', () => {
  const rides = async (): Promise<string> => {
    const input = join(dir, 'rides-for-s3.csv');
    await writeFile(input, 'PULocationID,DOLocationID,trip_distance\n130,205,3.66\n');
    return input;
  };
  /** `score` with S3_ENDPOINT_URL set for the call only. */
  const scoreWith = async (endpoint: string, input: string, output: string): Promise<Error> => {
    const saved = process.env['S3_ENDPOINT_URL'];
    process.env['S3_ENDPOINT_URL'] = endpoint;
    try {
      return await failure(runScore({ input, output }, memoryIO(), { loadModel: courseModel }));
    } finally {
      if (saved === undefined) delete process.env['S3_ENDPOINT_URL'];
      else process.env['S3_ENDPOINT_URL'] = saved;
    }
  };
  // A 403 to a HEAD has no body: the SDK's message is then its own "UnknownError".
  const deniedNoBody: Answer = (_, response) => response.writeHead(403).end();

  it('-o in a bucket whose HEAD is denied with no body', async () => {
    const server = await fakeService(deniedNoBody);
    const error = await scoreWith(server.endpoint, await rides(), 's3://bkt/out.csv');
    await server.close();
    expect(error.message).toBe('-o s3://bkt/out.csv: access denied (the credentials in use lack permission for it)');
  });

  it('-i of a parquet object whose HEAD is denied with no body', async () => {
    const server = await fakeService(deniedNoBody);
    const error = await scoreWith(server.endpoint, 's3://bkt/rides.parquet', join(dir, 'denied-out.csv'));
    await server.close();
    expect(error.message).toMatch(/^s3:\/\/bkt\/rides\.parquet: S3 denied access( \([A-Za-z0-9]+\))?; the credentials in use lack permission for it$/);
    expect(error.message).not.toMatch(/UnknownError|not a readable/);
  });

  it('-i of a parquet or CSV key that does not exist (s3rver)', async () => {
    await createBucket(s3.client, 'rides-in');
    for (const key of ['missing.parquet', 'missing.csv']) {
      const error = await scoreWith(s3.endpoint, `s3://rides-in/${key}`, join(dir, `out-${key}.csv`));
      expect(error.message).toBe(`s3://rides-in/${key}: not found in S3 (no such bucket or key)`);
    }
  });
});

describe('model refusals name the flag and the file, never raw Node text', () => {
  it('a missing file, an MLflow folder without its pickle, a truncated pickle', async () => {
    expect((await failure(loadCliModel('/nonexist.bin', {}, { flag: '-m' }))).message).toBe('-m /nonexist.bin: no such file or folder');

    const folder = join(dir, 'mlflow');
    await mkdir(folder);
    await copyFile(repoPath('test/fixtures/models/official-rf-mlflow/MLmodel'), join(folder, 'MLmodel'));
    expect((await failure(loadCliModel(folder))).message).toBe(`--model ${folder}: MLflow folder has no model.pkl (MLmodel names model.pkl)`);

    const truncated = join(dir, 'truncated.bin');
    await writeFile(truncated, (await readFile(repoPath('model-artifacts/lin_reg.bin'))).subarray(0, 70_000));
    expect((await failure(loadCliModel(truncated, {}, { flag: '-m' }))).message).toMatch(/^-m .*truncated\.bin: not a readable model: pickle truncated: /);
  });

  it('a model that disagrees with itself: the file and the estimator, "cannot be served"', async () => {
    const nan = repoPath('test/fixtures/models/contract/refused-nan-coef.bin');
    expect((await failure(loadCliModel(nan))).message).toBe(`--model ${nan}: cannot be served: LinearRegression.coef_[3] is NaN, not a finite number`);
  });
});

// The same loader and environment load a model that is there: the failures above are the faults'.
it('s3rver serves a model that loads, so the failures above are the faults, not the set-up', async () => {
  await createBucket(s3.client, 'models');
  await putObject(s3.client, 'models', 'lin_reg.bin', await readFile(repoPath('model-artifacts/lin_reg.bin')));
  const loaded = await loadCliModel('s3://models/lin_reg.bin', { ...ENV_KEYS, S3_ENDPOINT_URL: s3.endpoint });
  expect(loaded.description.regressor).toBe('LinearRegression');
});
