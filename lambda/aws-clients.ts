/**
 * The one place that constructs AWS clients: the SDK v3 clients for S3 (model, dead letters) and
 * Kinesis (`PutRecords`), pointed at local endpoints (kinesalite, s3rver) when
 * `KINESIS_ENDPOINT_URL` / `S3_ENDPOINT_URL` are set. The handler builds one of each per execution
 * environment, at init (`entry.ts`), and keeps them for its life (keep-alive connections).
 */
import { KinesisClient } from '@aws-sdk/client-kinesis';
import { S3Client } from '@aws-sdk/client-s3';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { DEFAULT_REGION } from './config.js';

export { DEFAULT_REGION };

/** TCP connect timeout of every client: an endpoint that does not answer in this long is down. */
export const CONNECTION_TIMEOUT_MS = 2_000;

/**
 * Socket inactivity timeout of every request. A model of 256 MB streams with far shorter gaps; a
 * `PutRecords` or `PutObject` is also bounded by its caller's abort signal (the invocation's time left).
 */
export const REQUEST_TIMEOUT_MS = 30_000;

/**
 * Attempts of one S3 call (the SDK's standard retry strategy: jittered backoff, throttling and 5xx
 * only). The model load has no invocation deadline at init, and the dead letters' write is bounded
 * by its abort signal.
 */
export const S3_MAX_ATTEMPTS = 3;

export interface ClientOptions {
  /** Custom endpoint, e.g. `http://127.0.0.1:4567` for kinesalite. */
  readonly endpoint?: string | undefined;
  readonly region?: string | undefined;
  /** Explicit credentials (local services take any); default: the SDK's provider chain. */
  readonly credentials?: { readonly accessKeyId: string; readonly secretAccessKey: string } | undefined;
}

/**
 * Credentials for a local endpoint when the environment has none: s3rver's default key pair, which
 * kinesalite (it takes any) accepts too; `npm start`'s services use the same pair.
 */
export const LOCAL_ENDPOINT_CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } as const;

/**
 * The credentials to give a client: the dummy {@link LOCAL_ENDPOINT_CREDENTIALS} for a custom
 * endpoint when the environment names none (`AWS_ACCESS_KEY_ID` or `AWS_PROFILE`), so that every
 * call against a local service behaves alike; otherwise undefined (the SDK's provider chain).
 *
 * @example
 * createS3Client({ endpoint, credentials: localEndpointCredentials(endpoint) });
 */
export function localEndpointCredentials(
  endpoint: string | undefined,
  env: Readonly<Record<string, string | undefined>> = process.env,
): ClientOptions['credentials'] {
  const hasCredentials = Boolean(env['AWS_ACCESS_KEY_ID']?.trim() || env['AWS_PROFILE']?.trim());
  return endpoint !== undefined && !hasCredentials ? LOCAL_ENDPOINT_CREDENTIALS : undefined;
}

function commonConfig(options: ClientOptions) {
  return {
    region: options.region ?? process.env.AWS_REGION ?? DEFAULT_REGION,
    ...(options.credentials !== undefined ? { credentials: options.credentials } : {}),
    // HTTP/1.1 with explicit timeouts: the SDK's defaults wait on a silent socket for ever.
    requestHandler: new NodeHttpHandler({ connectionTimeout: CONNECTION_TIMEOUT_MS, requestTimeout: REQUEST_TIMEOUT_MS }),
  };
}

/**
 * Kinesis client with `maxAttempts: 1`: `putRecordsReliably` (`sinks/kinesis.ts`) retries itself,
 * failed entries only, within the invocation's remaining time, which the SDK's retry loop knows
 * nothing about. Both retrying would multiply: 20 × 3 calls for one lasting throttle.
 *
 * @example
 * ```ts
 * const kinesis = createKinesisClient({ endpoint: process.env.KINESIS_ENDPOINT_URL });
 * ```
 */
export function createKinesisClient(options: ClientOptions = {}): KinesisClient {
  return new KinesisClient({
    ...commonConfig(options),
    ...(options.endpoint !== undefined ? { endpoint: options.endpoint } : {}),
    maxAttempts: 1,
  });
}

/**
 * S3 client (model download, dead letters). With a custom endpoint it uses path-style addressing,
 * which s3rver needs.
 *
 * @example
 * ```ts
 * const s3 = createS3Client({ endpoint: process.env.S3_ENDPOINT_URL });
 * ```
 */
export function createS3Client(options: ClientOptions = {}): S3Client {
  return new S3Client({
    ...commonConfig(options),
    ...(options.endpoint !== undefined ? { endpoint: options.endpoint, forcePathStyle: true } : {}),
    maxAttempts: S3_MAX_ATTEMPTS,
  });
}
