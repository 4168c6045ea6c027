/**
 * The embedded AWS stand-ins for `npm start`: kinesalite (Kinesis, in memory) and s3rver (S3, in a
 * temporary directory), started in-process on free ports of 127.0.0.1, with the streams and buckets
 * the Lambda needs and the model uploaded, so the real handler runs unchanged against them.
 */
import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { basename, join, relative, sep } from 'node:path';
import {
  CreateStreamCommand,
  DescribeStreamSummaryCommand,
  ListShardsCommand,
  type KinesisClient,
} from '@aws-sdk/client-kinesis';
import { CreateBucketCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { createKinesisClient, createS3Client } from '../lambda/aws-clients.js';
import { RECIPE_SUFFIX } from '../lambda/model/locate.js';
import { LocalServicesError } from './errors.js';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from './constants.js';

// kinesalite and s3rver ship no type declarations; these are the parts of their APIs used here.
interface KinesaliteOptions {
  readonly createStreamMs?: number;
  readonly deleteStreamMs?: number;
  readonly updateStreamMs?: number;
  readonly shardLimit?: number;
  readonly path?: string;
}
type KinesaliteFactory = (options: KinesaliteOptions) => Server;
interface S3rverOptions {
  readonly address: string;
  readonly port: number;
  readonly silent: boolean;
  readonly directory: string;
}
interface S3rverInstance {
  run(): Promise<AddressInfo>;
  close(): Promise<void>;
  readonly httpServer?: Server;
}
type S3rverConstructor = new (options: S3rverOptions) => S3rverInstance;

const require = createRequire(import.meta.url);
const kinesalite = require('kinesalite') as KinesaliteFactory;
const S3rver = require('s3rver') as S3rverConstructor;

const LOOPBACK = '127.0.0.1';

/** Options of {@link startLocalServices}. */
export interface LocalServicesOptions {
  /** Shards of the input and of the output stream (default 1). */
  readonly shards?: number;
  /** Input (ride events) stream name (default `ride_events`, as in the course). */
  readonly inputStreamName?: string;
  /** Output (predictions) stream name (default `ride_predictions`, as in the course). */
  readonly outputStreamName?: string;
  /** Bucket the model is uploaded to (default `models`). */
  readonly modelBucket?: string;
  /** Bucket for dead letters (default `ride-dead-letters`). */
  readonly deadLetterBucket?: string;
  /**
   * Model file (`lin_reg.bin`, a pickled Pipeline) or MLflow model folder to upload; every file of a
   * folder is uploaded under one prefix. Omit to start without a model.
   */
  readonly modelPath?: string;
  /** A shadow model (file or MLflow folder) uploaded to the model bucket under `shadow/`. */
  readonly shadowModelPath?: string;
}

/** A created Kinesis stream. */
export interface LocalStream {
  readonly name: string;
  readonly arn: string;
  readonly shardIds: readonly string[];
}

/** Running local services; call {@link LocalServices.stop} when done. */
export interface LocalServices {
  readonly region: string;
  readonly kinesisEndpoint: string;
  readonly s3Endpoint: string;
  /** Clients bound to the local endpoints (destroyed by stop()). */
  readonly kinesis: KinesisClient;
  readonly s3: S3Client;
  readonly inputStream: LocalStream;
  readonly outputStream: LocalStream;
  readonly modelBucket: string;
  readonly deadLetterBucket: string;
  /** `s3://bucket/key` (file) or `s3://bucket/prefix/` (MLflow folder) of the uploaded model. */
  readonly modelLocation: string | undefined;
  /** `SHADOW_MODEL_LOCATION` of the uploaded shadow model, when one was given. */
  readonly shadowModelLocation: string | undefined;
  /** Temporary directory that holds s3rver's objects (removed by stop()). */
  readonly s3Directory: string;
  /** Stops both servers, removes the temporary directory; safe to call more than once. */
  stop(): Promise<void>;
}

/** A Kinesis client for a local endpoint (the function's own factory). */
export function localKinesisClient(endpoint: string): KinesisClient {
  return createKinesisClient({ endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS });
}

/** An S3 client for a local endpoint (the function's own factory: path-style, as s3rver needs). */
export function localS3Client(endpoint: string): S3Client {
  return createS3Client({ endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS });
}

function listenOnFreePort(server: Server): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, LOOPBACK, () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

function closeServer(server: Server): Promise<void> {
  // Keep-alive sockets of the SDK clients would hold close() open otherwise.
  server.closeAllConnections();
  return new Promise((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
}

async function createStream(kinesis: KinesisClient, name: string, shards: number): Promise<LocalStream> {
  await kinesis.send(new CreateStreamCommand({ StreamName: name, ShardCount: shards }));
  // createStreamMs is 0, so the stream turns ACTIVE on the next tick; poll briefly all the same.
  for (let attempt = 0; attempt < 100; attempt += 1) {
    const { StreamDescriptionSummary: summary } = await kinesis.send(
      new DescribeStreamSummaryCommand({ StreamName: name }),
    );
    if (summary?.StreamStatus === 'ACTIVE' && summary.StreamARN) {
      const { Shards = [] } = await kinesis.send(new ListShardsCommand({ StreamName: name }));
      return { name, arn: summary.StreamARN, shardIds: Shards.flatMap((s) => (s.ShardId ? [s.ShardId] : [])) };
    }
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new LocalServicesError(`stream ${name} did not become ACTIVE`);
}

/** s3rver's temporary directories are named `<prefix><pid>-<random>`. */
const S3_DIRECTORY_PREFIX = 'ride-duration-s3-';

function processIsAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Removes temporary directories left by runs that were killed (SIGKILL gives no chance to clean up). */
async function removeStaleDirectories(): Promise<void> {
  const entries = await readdir(tmpdir()).catch(() => [] as string[]);
  for (const entry of entries) {
    if (!entry.startsWith(S3_DIRECTORY_PREFIX)) continue;
    const pid = Number(entry.slice(S3_DIRECTORY_PREFIX.length).split('-')[0]);
    if (Number.isInteger(pid) && pid > 0 && !processIsAlive(pid)) {
      await rm(join(tmpdir(), entry), { recursive: true, force: true }).catch(() => undefined);
    }
  }
}

async function listFiles(directory: string): Promise<string[]> {
  const entries = await readdir(directory, { withFileTypes: true, recursive: true });
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name))
    .sort();
}

/** Uploads a model file or MLflow folder; returns its MODEL_LOCATION. */
async function uploadModel(s3: S3Client, bucket: string, modelPath: string, keyPrefix = ''): Promise<{ location: string }> {
  const info = await stat(modelPath).catch(() => {
    throw new LocalServicesError(`model not found: ${modelPath}`);
  });
  if (info.isFile()) {
    const key = keyPrefix + basename(modelPath);
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: await readFile(modelPath) }));
    // The model's recipe goes beside it, where the function looks for it: without it a model that
    // reads a derived key would be refused.
    const recipe = await readFile(`${modelPath}${RECIPE_SUFFIX}`).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return undefined;
      throw error;
    });
    if (recipe !== undefined) await s3.send(new PutObjectCommand({ Bucket: bucket, Key: `${key}${RECIPE_SUFFIX}`, Body: recipe }));
    return { location: `s3://${bucket}/${key}` };
  }
  const prefix = `${keyPrefix}${basename(modelPath)}/`;
  const files = await listFiles(modelPath);
  if (files.length === 0) throw new LocalServicesError(`model folder is empty: ${modelPath}`);
  for (const file of files) {
    const key = prefix + relative(modelPath, file).split(sep).join('/');
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: await readFile(file) }));
  }
  return { location: `s3://${bucket}/${prefix}` };
}

/**
 * Starts kinesalite and s3rver on free loopback ports, creates the streams and buckets and uploads
 * the model.
 *
 * @example
 * ```ts
 * const services = await startLocalServices({ shards: 2, modelPath: 'model-artifacts/lin_reg.bin' });
 * try {
 *   console.log(services.kinesisEndpoint, services.modelLocation);
 * } finally {
 *   await services.stop();
 * }
 * ```
 */
export async function startLocalServices(options: LocalServicesOptions = {}): Promise<LocalServices> {
  const shards = options.shards ?? 1;
  if (!Number.isInteger(shards) || shards < 1) throw new LocalServicesError(`shards must be a positive integer, got ${shards}`);

  const kinesisServer = kinesalite({
    createStreamMs: 0,
    deleteStreamMs: 0,
    updateStreamMs: 0,
    // Two streams of `shards` each must fit under the account-wide shard limit.
    shardLimit: Math.max(10, 2 * shards),
  });
  await removeStaleDirectories();
  const s3Directory = await mkdtemp(join(tmpdir(), `${S3_DIRECTORY_PREFIX}${process.pid}-`));
  const s3Server = new S3rver({ address: LOOPBACK, port: 0, silent: true, directory: s3Directory });

  let kinesis: KinesisClient | undefined;
  let s3: S3Client | undefined;
  let stopped: Promise<void> | undefined;
  let s3Running = false;
  const stop = (): Promise<void> => {
    stopped ??= (async () => {
      kinesis?.destroy();
      s3?.destroy();
      const results = await Promise.allSettled([
        kinesisServer.listening ? closeServer(kinesisServer) : Promise.resolve(),
        s3Running && s3Server.httpServer ? closeServer(s3Server.httpServer) : Promise.resolve(),
      ]);
      await rm(s3Directory, { recursive: true, force: true });
      const failure = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
      if (failure) throw new LocalServicesError('failed to stop local services', { cause: failure.reason });
    })();
    return stopped;
  };

  try {
    const kinesisPort = await listenOnFreePort(kinesisServer);
    const { port: s3Port } = await s3Server.run();
    s3Running = true;
    const kinesisEndpoint = `http://${LOOPBACK}:${kinesisPort}`;
    const s3Endpoint = `http://${LOOPBACK}:${s3Port}`;
    kinesis = localKinesisClient(kinesisEndpoint);
    s3 = localS3Client(s3Endpoint);

    const inputStreamName = options.inputStreamName ?? 'ride_events';
    const outputStreamName = options.outputStreamName ?? 'ride_predictions';
    const modelBucket = options.modelBucket ?? 'models';
    const deadLetterBucket = options.deadLetterBucket ?? 'ride-dead-letters';
    const [inputStream, outputStream] = await Promise.all([
      createStream(kinesis, inputStreamName, shards),
      createStream(kinesis, outputStreamName, shards),
    ]);
    for (const bucket of new Set([modelBucket, deadLetterBucket])) {
      await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    }
    const model = options.modelPath ? await uploadModel(s3, modelBucket, options.modelPath) : undefined;
    // Under a prefix of its own: a candidate is often a file of the same name as the production model.
    const shadow = options.shadowModelPath ? await uploadModel(s3, modelBucket, options.shadowModelPath, 'shadow/') : undefined;

    return {
      region: LOCAL_REGION,
      kinesisEndpoint,
      s3Endpoint,
      kinesis,
      s3,
      inputStream,
      outputStream,
      modelBucket,
      deadLetterBucket,
      modelLocation: model?.location,
      shadowModelLocation: shadow?.location,
      s3Directory,
      stop,
    };
  } catch (error) {
    await stop().catch(() => undefined);
    throw error;
  }
}
