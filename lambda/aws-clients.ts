/**
 * AWS SDK clients as the function uses them, pointed at local endpoints (kinesalite, s3rver) when
 * `KINESIS_ENDPOINT_URL` / `S3_ENDPOINT_URL` are set.
 */
import { KinesisClient } from '@aws-sdk/client-kinesis';
import { S3Client } from '@aws-sdk/client-s3';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { DEFAULT_REGION } from './config.js';

export { DEFAULT_REGION };

export interface ClientOptions {
  /** Custom endpoint, e.g. `http://127.0.0.1:4567` for kinesalite. */
  readonly endpoint?: string | undefined;
  readonly region?: string | undefined;
  /** Explicit credentials (local services take any); default: the SDK's provider chain. */
  readonly credentials?: { readonly accessKeyId: string; readonly secretAccessKey: string } | undefined;
}

/**
 * Kinesis client. Always uses the HTTP/1.1 `NodeHttpHandler` (kinesalite cannot speak HTTP/2), and
 * `maxAttempts: 1`: `putRecordsReliably` does its own retries bounded by the invocation's
 * remaining time, which the SDK's retry loop knows nothing about.
 *
 * @example
 * ```ts
 * const kinesis = createKinesisClient({ endpoint: process.env.KINESIS_ENDPOINT_URL });
 * ```
 */
export function createKinesisClient(options: ClientOptions = {}): KinesisClient {
  return new KinesisClient({
    region: options.region ?? process.env.AWS_REGION ?? DEFAULT_REGION,
    ...(options.endpoint !== undefined ? { endpoint: options.endpoint } : {}),
    ...(options.credentials !== undefined ? { credentials: options.credentials } : {}),
    requestHandler: new NodeHttpHandler({ connectionTimeout: 2_000 }),
    maxAttempts: 1,
  });
}

/**
 * S3 client (model download, dead letters). With a custom endpoint it uses path-style addressing,
 * which s3rver needs.
 */
export function createS3Client(options: ClientOptions = {}): S3Client {
  return new S3Client({
    region: options.region ?? process.env.AWS_REGION ?? DEFAULT_REGION,
    ...(options.endpoint !== undefined ? { endpoint: options.endpoint, forcePathStyle: true } : {}),
    ...(options.credentials !== undefined ? { credentials: options.credentials } : {}),
    requestHandler: new NodeHttpHandler({ connectionTimeout: 2_000 }),
  });
}
