/**
 * The model's S3 `GetObject` at cold start, without the AWS SDK: one SigV4-signed GET
 * (`aws-signing.ts`) over `node:http(s)` (`aws-http.ts`).
 *
 * Why: the function's cold start is dominated by compiling and first running code. The SDK's S3
 * client (schemas, middleware stack, endpoint rules, credential provider chain) is most of the
 * bundle and ~40 ms of the first request; this path is a few kilobytes. It is used when the
 * credentials are in the environment, which inside Lambda they always are; anywhere else the SDK's
 * reader (`sdk-s3-reader.ts`) with its full provider chain is used instead.
 */
import { AwsHttp, dnsSuffix, readBody } from './aws-http.js';
import { AwsRequestError, EMPTY_SHA256, signV4, type SigningCredentials } from './aws-signing.js';
import type { S3ObjectReader, S3ObjectResponse } from './model/locate.js';

export { IDLE_TIMEOUT_MS } from './aws-http.js';
export type { SigningCredentials } from './aws-signing.js';

/** Calls per object at most; network errors, 5xx and throttling are tried again. */
export const MAX_ATTEMPTS = 3;
/** First backoff cap; attempt n waits `random() * BASE_DELAY_MS * 2^n`. */
const BASE_DELAY_MS = 100;
/** Most bytes of an error response read for its `<Code>` and `<Message>`. */
const MAX_ERROR_BODY = 16 * 1024;

export interface SignedS3ReaderOptions {
  readonly region: string;
  readonly credentials: SigningCredentials;
  /** Custom endpoint (s3rver, a VPC endpoint URL): path-style requests to it. Default: S3 in `region`. */
  readonly endpoint?: string | undefined;
}

/** RFC 3986 escaping of each key segment, as S3's canonical URI wants it (slashes kept). */
function escapeKey(key: string): string {
  return key
    .split('/')
    .map((part) => encodeURIComponent(part).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`))
    .join('/');
}

function xmlField(xml: string, field: string): string | undefined {
  return new RegExp(`<${field}>([^<]{0,1024})</${field}>`).exec(xml)?.[1];
}

const RETRYABLE_CODES = new Set(['SlowDown', 'RequestTimeout', 'InternalError', 'ServiceUnavailable', 'RequestTimeTooSkewed']);

function isRetryable(error: unknown): boolean {
  if (!(error instanceof AwsRequestError)) return true; // network: refused, reset, timed out
  const status = error.$metadata.httpStatusCode ?? 0;
  return status >= 500 || status === 429 || RETRYABLE_CODES.has(error.name);
}

/**
 * Reads S3 objects with SigV4-signed GETs.
 *
 * @example
 * ```ts
 * const reader = new SignedS3Reader({ region: 'eu-west-1', credentials: { accessKeyId, secretAccessKey, sessionToken } });
 * await loadModel('s3://models/lin_reg.bin', { s3: reader });
 * ```
 */
export class SignedS3Reader implements S3ObjectReader {
  private readonly credentials: SigningCredentials;
  private readonly base: URL | undefined;
  private readonly region: string;
  // Keep-alive: an MLflow folder is two GETs (MLmodel, then the pickle) on one connection.
  private readonly http = new AwsHttp();

  constructor(options: SignedS3ReaderOptions) {
    this.region = options.region;
    this.credentials = options.credentials;
    this.base = options.endpoint === undefined ? undefined : new URL(options.endpoint);
  }

  async getObject(bucket: string, key: string): Promise<S3ObjectResponse> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.attempt(bucket, key);
      } catch (error) {
        if (attempt >= MAX_ATTEMPTS || !isRetryable(error)) throw error;
        await new Promise((resolve) => setTimeout(resolve, Math.random() * BASE_DELAY_MS * 2 ** attempt));
      }
    }
  }

  /**
   * Where the object is: virtual-hosted on AWS (path-style for dotted names, whose TLS names do not
   * match), path-style on a custom endpoint.
   */
  private target(bucket: string, key: string): { readonly origin: URL; readonly path: string } {
    if (this.base !== undefined) {
      return { origin: this.base, path: `${this.base.pathname.replace(/\/+$/, '')}/${bucket}/${escapeKey(key)}` };
    }
    const host = `s3.${this.region}.${dnsSuffix(this.region)}`;
    return bucket.includes('.')
      ? { origin: new URL(`https://${host}`), path: `/${bucket}/${escapeKey(key)}` }
      : { origin: new URL(`https://${bucket}.${host}`), path: `/${escapeKey(key)}` };
  }

  private async attempt(bucket: string, key: string): Promise<S3ObjectResponse> {
    const { origin, path } = this.target(bucket, key);
    const headers = signV4({
      method: 'GET',
      host: origin.host,
      path,
      // S3 wants the payload hash sent as well as signed.
      headers: { 'x-amz-content-sha256': EMPTY_SHA256 },
      payloadHash: EMPTY_SHA256,
      service: 's3',
      region: this.region,
      credentials: this.credentials,
      now: new Date(),
    });
    const response = await this.http.send({ origin, path, method: 'GET', headers });
    const status = response.statusCode ?? 0;
    if (status !== 200) {
      const body = (await readBody(response, MAX_ERROR_BODY).catch(() => Buffer.alloc(0))).toString('utf8');
      const code = xmlField(body, 'Code') ?? (status === 404 ? 'NotFound' : `HTTP${status}`);
      throw new AwsRequestError(code, xmlField(body, 'Message') ?? `S3 answered HTTP ${status}`, status);
    }
    const header = (name: string): string | undefined => {
      const value = response.headers[name];
      return typeof value === 'string' ? value : undefined;
    };
    const length = header('content-length');
    const contentLength = length === undefined ? undefined : Number(length);
    return {
      contentLength,
      versionId: header('x-amz-version-id'),
      eTag: header('etag'),
      readBody: async () => {
        const body = await readBody(response, contentLength ?? Number.MAX_SAFE_INTEGER);
        if (contentLength !== undefined && body.length !== contentLength) {
          throw new Error(`body ended after ${body.length} of ${contentLength} bytes`);
        }
        return body;
      },
      discard: () => response.destroy(),
    };
  }
}
