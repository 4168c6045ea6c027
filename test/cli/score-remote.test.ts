/**
 * `score` where the data lives: inputs from `https://` (a local node:http server with range
 * requests) and `s3://` (s3rver, in-process), outputs to `s3://` as a multipart upload, with the same
 * early checks. Local endpoints get dummy credentials: none are exported here.
 */
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

import { runScore } from '../../cli/commands/score.js';
import { CliError } from '../../cli/errors.js';
import { s3Sink } from '../../io/s3-sink.js';
import { courseModel } from '../support/model.js';
import { createBucket, putObject, startS3rver, type RunningS3rver } from '../support/services.js';
import { memoryIO, repoPath } from './support.js';

const SAMPLE = repoPath('local/data/green_tripdata_2021-02.sample.csv');
const BUCKET = 'nyc-duration';
const RUN_ID = 'e1efc53e9bd149078b0c12aeaa6365df';
/** The course's output layout. */
const COURSE_KEY = `taxi_type=green/year=2021/month=02/${RUN_ID}.parquet`;

let s3: RunningS3rver;
let dir: string;
let http: Server;
let base: string;
/** Requests the HTTP server saw: method and Range header. */
const requests: Array<{ method: string; path: string; range: string | undefined }> = [];
const savedCredentials = { id: process.env['AWS_ACCESS_KEY_ID'], secret: process.env['AWS_SECRET_ACCESS_KEY'] };
const loadModel = () => courseModel();

/** Serves files of `dir` with HEAD and single `Range: bytes=a-b` support, as the TLC's CDN does. */
function fileServer(root: string): Server {
  return createServer((request, response) => {
    const path = join(root, decodeURIComponent(new URL(request.url ?? '/', 'http://x').pathname));
    requests.push({ method: request.method ?? '', path: request.url ?? '', range: request.headers.range });
    let body: Buffer;
    try {
      body = readFileSync(path);
    } catch {
      response.writeHead(404).end('not found');
      return;
    }
    const range = /^bytes=(\d+)-(\d*)$/.exec(request.headers.range ?? '');
    if (range) {
      const start = Number(range[1]);
      const end = range[2] === '' ? body.length - 1 : Math.min(Number(range[2]), body.length - 1);
      response.writeHead(206, { 'content-length': end - start + 1, 'content-range': `bytes ${start}-${end}/${body.length}`, 'accept-ranges': 'bytes' });
      response.end(request.method === 'HEAD' ? undefined : body.subarray(start, end + 1));
      return;
    }
    response.writeHead(200, { 'content-length': body.length, 'accept-ranges': 'bytes' });
    response.end(request.method === 'HEAD' ? undefined : body);
  });
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'score-remote-'));
  s3 = await startS3rver();
  await createBucket(s3.client, BUCKET);
  await putObject(s3.client, BUCKET, 'in/green_tripdata_2021-02.sample.csv', readFileSync(SAMPLE));
  // A parquet ride file: the sample's first 2,000 rides scored into the features layout.
  await runScore({ input: SAMPLE, output: join(dir, 'rides.parquet'), limit: 2000 }, memoryIO(), { loadModel });
  await putObject(s3.client, BUCKET, 'in/rides.parquet', readFileSync(join(dir, 'rides.parquet')));
  http = fileServer(dir);
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
  vi.stubEnv('S3_ENDPOINT_URL', s3.endpoint);
  vi.stubEnv('AWS_REGION', 'us-east-1');
  vi.stubEnv('RUN_ID', RUN_ID);
  delete process.env['AWS_ACCESS_KEY_ID'];
  delete process.env['AWS_SECRET_ACCESS_KEY'];
});
afterAll(async () => {
  vi.unstubAllEnvs();
  if (savedCredentials.id !== undefined) process.env['AWS_ACCESS_KEY_ID'] = savedCredentials.id;
  if (savedCredentials.secret !== undefined) process.env['AWS_SECRET_ACCESS_KEY'] = savedCredentials.secret;
  http.closeAllConnections();
  await new Promise((resolve) => http.close(resolve));
  await s3.dispose();
  await rm(dir, { recursive: true, force: true });
});

async function objectBytes(key: string): Promise<Buffer> {
  const got = await s3.client.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
  return Buffer.from(await got.Body!.transformToByteArray());
}

describe('score over HTTP(S)', () => {
  it('reads parquet by range requests (footer, then column chunks), never the whole file in one GET', async () => {
    requests.length = 0;
    const output = join(dir, 'from-http.csv');
    await runScore({ input: `${base}/rides.parquet`, output }, memoryIO(), { loadModel });
    const local = join(dir, 'from-file.csv');
    await runScore({ input: join(dir, 'rides.parquet'), output: local }, memoryIO(), { loadModel });
    expect(readFileSync(output, 'utf8')).toBe(readFileSync(local, 'utf8'));
    const gets = requests.filter((r) => r.method === 'GET');
    expect(gets.length).toBeGreaterThan(1);
    expect(gets.every((r) => r.range !== undefined)).toBe(true);
  });

  it('streams a CSV body', async () => {
    const name = 'green_tripdata_2021-02.sample.csv';
    const { copyFile } = await import('node:fs/promises');
    await copyFile(SAMPLE, join(dir, name));
    const output = join(dir, 'csv-over-http.csv');
    await runScore({ input: `${base}/${name}`, output, limit: 100 }, memoryIO(), { loadModel });
    const local = join(dir, 'csv-local.csv');
    await runScore({ input: SAMPLE, output: local, limit: 100 }, memoryIO(), { loadModel });
    expect(readFileSync(output, 'utf8')).toBe(readFileSync(local, 'utf8'));
  });

  it('a missing URL is one error naming it, before any output', async () => {
    const output = join(dir, 'never.csv');
    const error = await runScore({ input: `${base}/absent.parquet`, output }, memoryIO(), { loadModel }).catch((e: unknown) => e);
    expect(String(error)).toContain(`${base}/absent.parquet: not a readable parquet file`);
    await expect(stat(output)).rejects.toThrow();
  });
});

describe('score to and from S3', () => {
  it("writes the course layout to s3://…/taxi_type=green/year=2021/month=02/<run_id>.parquet, as a local run writes it", async () => {
    const io = memoryIO();
    await runScore({ input: `s3://${BUCKET}/in/green_tripdata_2021-02.sample.csv`, output: `s3://${BUCKET}/${COURSE_KEY}`, layout: 'course' }, io, { loadModel });
    const local = join(dir, 'course.parquet');
    await runScore({ input: SAMPLE, output: local, layout: 'course' }, memoryIO(), { loadModel });
    expect((await objectBytes(COURSE_KEY)).equals(readFileSync(local))).toBe(true);
    expect(io.err()).toContain(`→ s3://${BUCKET}/${COURSE_KEY}`);
  });

  it('reads parquet from S3 by ranges', async () => {
    const output = join(dir, 'from-s3.csv');
    await runScore({ input: `s3://${BUCKET}/in/rides.parquet`, output }, memoryIO(), { loadModel });
    expect(readFileSync(output, 'utf8')).toBe(readFileSync(join(dir, 'from-file.csv'), 'utf8'));
  });

  it('uploads in parts, completes them in order, and aborts an upload that fails (no object)', async () => {
    const bytes = Buffer.from(Array.from({ length: 10_000 }, (_, i) => i % 251));
    const sink = s3Sink(s3.client, `s3://${BUCKET}/parts/ok.bin`, 4096);
    for (let i = 0; i < bytes.length; i += 1000) await sink.write(bytes.subarray(i, i + 1000));
    await sink.commit();
    expect((await objectBytes('parts/ok.bin')).equals(bytes)).toBe(true);

    const failed = s3Sink(s3.client, `s3://${BUCKET}/parts/failed.bin`, 4096);
    await failed.write(bytes);
    await failed.abort();
    const listing = await s3.client.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: 'parts/failed' }));
    expect(listing.Contents ?? []).toEqual([]);
  });

  it('a bucket that does not exist is refused before the model is loaded', async () => {
    let loaded = false;
    const error = await runScore({ input: SAMPLE, output: 's3://no-such-bucket/out.parquet' }, memoryIO(), {
      loadModel: () => {
        loaded = true;
        return courseModel();
      },
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CliError);
    expect((error as CliError).message).toMatch(/^-o s3:\/\/no-such-bucket\/out\.parquet: no such bucket "no-such-bucket"$/);
    expect(loaded).toBe(false);
  });

  it('a missing input object is one error naming it, and nothing is uploaded', async () => {
    const error = await runScore({ input: `s3://${BUCKET}/in/absent.csv`, output: `s3://${BUCKET}/out/absent.csv` }, memoryIO(), { loadModel }).catch(
      (e: unknown) => e,
    );
    expect(String(error)).toMatch(/s3:\/\/nyc-duration\/in\/absent\.csv: not found in S3 \(no such bucket or key\)$/);
    const listing = await s3.client.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: 'out/' }));
    expect(listing.Contents ?? []).toEqual([]);
  });
});
