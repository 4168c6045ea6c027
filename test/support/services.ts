/**
 * Test-only starters for kinesalite (Kinesis) and s3rver (S3), in-process on free loopback ports.
 * Each can be stopped and started again on the same port (s3rver keeps its objects), which the
 * fault suites use to make a service unavailable for a while.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import type { Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateStreamCommand,
  DescribeStreamSummaryCommand,
  GetRecordsCommand,
  GetShardIteratorCommand,
  KinesisClient,
  ListShardsCommand,
} from '@aws-sdk/client-kinesis';
import { CreateBucketCommand, GetObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { vi } from 'vitest';

// kinesalite and s3rver ship no type declarations; these are the parts of their APIs used here.
type KinesaliteFactory = (options: { createStreamMs?: number; deleteStreamMs?: number; updateStreamMs?: number; shardLimit?: number }) => Server;
interface S3rverInstance {
  run(): Promise<AddressInfo>;
  readonly httpServer?: Server;
}
type S3rverConstructor = new (options: { address: string; port: number; silent: boolean; directory: string }) => S3rverInstance;

const require = createRequire(import.meta.url);
const kinesalite = require('kinesalite') as KinesaliteFactory;
const S3rver = require('s3rver') as S3rverConstructor;

export const LOOPBACK = '127.0.0.1';
export const TEST_REGION = 'us-east-1';
/** s3rver checks signatures against this pair; kinesalite accepts anything. */
export const TEST_CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } as const;

function closeServer(server: Server): Promise<void> {
  server.closeAllConnections(); // the SDK's keep-alive sockets would hold close() open
  return new Promise((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
}

function listen(server: Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, LOOPBACK, () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

export interface RunningKinesalite {
  readonly endpoint: string;
  /** A client for the endpoint (SDK retries on, unlike the function's). */
  readonly client: KinesisClient;
  stop(): Promise<void>;
}

export async function startKinesalite(): Promise<RunningKinesalite> {
  const server = kinesalite({ createStreamMs: 0, deleteStreamMs: 0, updateStreamMs: 0, shardLimit: 50 });
  const port = await listen(server, 0);
  const endpoint = `http://${LOOPBACK}:${port}`;
  const client = new KinesisClient({
    endpoint, region: TEST_REGION, credentials: TEST_CREDENTIALS, requestHandler: new NodeHttpHandler(),
  });
  return {
    endpoint,
    client,
    stop: async () => {
      client.destroy();
      if (server.listening) await closeServer(server);
    },
  };
}

export interface TestStream {
  readonly name: string;
  readonly arn: string;
}

export async function createStream(client: KinesisClient, name: string, shards = 1): Promise<TestStream> {
  await client.send(new CreateStreamCommand({ StreamName: name, ShardCount: shards }));
  for (let attempt = 0; attempt < 200; attempt++) {
    const { StreamDescriptionSummary: summary } = await client.send(new DescribeStreamSummaryCommand({ StreamName: name }));
    if (summary?.StreamStatus === 'ACTIVE' && summary.StreamARN !== undefined) return { name, arn: summary.StreamARN };
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  throw new Error(`stream ${name} did not become ACTIVE`);
}

export interface StreamRecord {
  readonly shardId: string;
  readonly sequenceNumber: string;
  readonly partitionKey: string;
  readonly data: string;
}

/** Every record on every shard of a stream, from the trim horizon, as UTF-8 text. */
export async function readStream(client: KinesisClient, name: string): Promise<StreamRecord[]> {
  const { Shards = [] } = await client.send(new ListShardsCommand({ StreamName: name }));
  const out: StreamRecord[] = [];
  const decoder = new TextDecoder();
  for (const shard of Shards) {
    const shardId = shard.ShardId!;
    let { ShardIterator: iterator } = await client.send(
      new GetShardIteratorCommand({ StreamName: name, ShardId: shardId, ShardIteratorType: 'TRIM_HORIZON' }),
    );
    while (iterator !== undefined) {
      const page = await client.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: 10_000 }));
      for (const record of page.Records ?? []) {
        out.push({
          shardId,
          sequenceNumber: record.SequenceNumber!,
          partitionKey: record.PartitionKey!,
          data: decoder.decode(record.Data),
        });
      }
      if ((page.Records ?? []).length === 0 || page.MillisBehindLatest === 0) break;
      iterator = page.NextShardIterator;
    }
  }
  return out;
}

export interface RunningS3rver {
  readonly endpoint: string;
  readonly client: S3Client;
  /** Stops the server; objects stay on disk for {@link RunningS3rver.start}. */
  stop(): Promise<void>;
  /** Starts it again on the same port. */
  start(): Promise<void>;
  /** Stops it and deletes its objects. */
  dispose(): Promise<void>;
}

export async function startS3rver(): Promise<RunningS3rver> {
  const directory = await mkdtemp(join(tmpdir(), 'ride-duration-test-s3-'));
  let instance = new S3rver({ address: LOOPBACK, port: 0, silent: true, directory });
  const { port } = await instance.run();
  let running = true;
  const endpoint = `http://${LOOPBACK}:${port}`;
  const client = new S3Client({ endpoint, region: TEST_REGION, credentials: TEST_CREDENTIALS, forcePathStyle: true });
  const stop = async (): Promise<void> => {
    if (running && instance.httpServer !== undefined) await closeServer(instance.httpServer);
    running = false;
  };
  return {
    endpoint,
    client,
    stop,
    start: async () => {
      if (running) return;
      instance = new S3rver({ address: LOOPBACK, port, silent: true, directory });
      await instance.run();
      running = true;
    },
    dispose: async () => {
      client.destroy();
      await stop();
      await rm(directory, { recursive: true, force: true });
    },
  };
}

export async function createBucket(client: S3Client, bucket: string): Promise<void> {
  await client.send(new CreateBucketCommand({ Bucket: bucket }));
}

export async function putObject(client: S3Client, bucket: string, key: string, body: Uint8Array | string): Promise<void> {
  await client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body }));
}

/** Every object under a prefix: key and UTF-8 body. */
export async function readObjects(client: S3Client, bucket: string, prefix = ''): Promise<Array<{ key: string; body: string }>> {
  const listing = await client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix }));
  const out: Array<{ key: string; body: string }> = [];
  for (const object of listing.Contents ?? []) {
    const got = await client.send(new GetObjectCommand({ Bucket: bucket, Key: object.Key! }));
    out.push({ key: object.Key!, body: await got.Body!.transformToString() });
  }
  return out;
}

/**
 * Stubs (vitest) what Lambda puts in the function's environment: its name, the region and the role's
 * credentials, with S3 at the local `s3Endpoint`. The deployed entry then makes its SDK clients and
 * starts the model load at import, as in AWS.
 */
export function stubLambdaRole(s3Endpoint: string): void {
  vi.stubEnv('AWS_LAMBDA_FUNCTION_NAME', 'ride-duration-test');
  vi.stubEnv('AWS_REGION', TEST_REGION);
  vi.stubEnv('AWS_ACCESS_KEY_ID', TEST_CREDENTIALS.accessKeyId);
  vi.stubEnv('AWS_SECRET_ACCESS_KEY', TEST_CREDENTIALS.secretAccessKey);
  vi.stubEnv('S3_ENDPOINT_URL', s3Endpoint);
  vi.stubEnv('POWERTOOLS_METRICS_DISABLED', 'true');
}
