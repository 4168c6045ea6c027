/**
 * The function's S3 calls without the AWS SDK: the model's `GetObject` at cold start and the dead
 * letters' `PutObject`, each one SigV4-signed request (`aws-signing.ts`) over `node:http(s)`
 * (`aws-http.ts`), with one set of retry and error rules.
 *
 * Why: the function's cold start is dominated by compiling and first running code. The SDK's S3
 * client (schemas, middleware stack, endpoint rules, credential provider chain) is most of the
 * bundle and ~40 ms of the first request, and the first batch with poison in a new container would
 * compile it for the dead letters alone; this path is a few kilobytes. It is used when the credentials are in the
 * environment, which inside Lambda they always are; anywhere else the SDK's adapters
 * (`sdk-s3-reader.ts`, `sinks/dead-letter-sdk.ts`) with its full provider chain are used instead.
 */
import type { IncomingMessage } from 'node:http';
import { AwsHttp, dnsSuffix, readBody } from './aws-http.js';
import { AwsRequestError, EMPTY_SHA256, signV4, type SigningCredentials } from './aws-signing.js';
import { sha256Hex } from './model/digest.js';
import type { S3ObjectHead, S3ObjectReader, S3ObjectResponse } from './model/locate.js';
import type { PutObjectOptions, S3ObjectWriter } from './sinks/dead-letter.js';

/** Calls per object at most; network errors, 5xx and throttling are tried again. */
export const MAX_ATTEMPTS = 3;
/** First backoff cap; attempt n waits `random() * BASE_DELAY_MS * 2^n`. */
const BASE_DELAY_MS = 100;
/** Most bytes of an error response read for its `<Code>` and `<Message>`. */
const MAX_ERROR_BODY = 16 * 1024;

export interface SignedS3ClientOptions {
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

/** Waits the backoff of `attempt`, or less when `signal` aborts first. */
function backoff(attempt: number, signal: AbortSignal | undefined): Promise<void> {
  if (signal?.aborted === true) return Promise.resolve();
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, Math.random() * BASE_DELAY_MS * 2 ** attempt);
    signal?.addEventListener('abort', done, { once: true });
  });
}

/** S3's error document as an {@link AwsRequestError}: `<Code>` is its name. */
async function s3Error(response: IncomingMessage, status: number): Promise<AwsRequestError> {
  const body = (await readBody(response, MAX_ERROR_BODY).catch(() => Buffer.alloc(0))).toString('utf8');
  // A HEAD-like answer without a body (or a proxy's) still needs a code to retry on or report.
  const code = xmlField(body, 'Code') ?? (status === 404 ? 'NotFound' : `HTTP${status}`);
  return new AwsRequestError(code, xmlField(body, 'Message') ?? `S3 answered HTTP ${status}`, status);
}

/**
 * Reads and writes S3 objects with SigV4-signed requests.
 *
 * @example
 * ```ts
 * const s3 = new SignedS3Client({ region: 'eu-west-1', credentials: { accessKeyId, secretAccessKey, sessionToken } });
 * await loadModel('s3://models/lin_reg.bin', { s3 });
 * await s3.putObject('dead-letters', 'dt=2026-01-01/x.jsonl', text, { contentType: 'application/x-ndjson' });
 * ```
 */
export class SignedS3Client implements S3ObjectReader, S3ObjectWriter {
  private readonly credentials: SigningCredentials;
  private readonly base: URL | undefined;
  private readonly region: string;
  // Keep-alive: an MLflow folder is two GETs (MLmodel, then the pickle) on one connection, and the
  // dead letters reuse the model's connection when they go to the same endpoint.
  private readonly http = new AwsHttp();

  constructor(options: SignedS3ClientOptions) {
    this.region = options.region;
    this.credentials = options.credentials;
    this.base = options.endpoint === undefined ? undefined : new URL(options.endpoint);
  }

  /** `GetObject`: resolves once the headers are in; the body is read (or discarded) by the caller. */
  getObject(bucket: string, key: string): Promise<S3ObjectResponse> {
    return this.withRetries(() => this.get(bucket, key), undefined);
  }

  /** `HeadObject`: the object's length, version and ETag, without its body. */
  headObject(bucket: string, key: string): Promise<S3ObjectHead> {
    return this.withRetries(() => this.head(bucket, key), undefined);
  }

  /**
   * `PutObject` of the whole body. An abort of `options.abortSignal` ends the call (also between
   * attempts) with the last attempt's error.
   *
   * @throws {AwsRequestError} with S3's error code as `name` once its attempts are spent, or at once
   * for an error that another attempt cannot change (`AccessDenied`, `NoSuchBucket`)
   */
  putObject(bucket: string, key: string, body: string | Uint8Array, options: PutObjectOptions = {}): Promise<void> {
    return this.withRetries(() => this.put(bucket, key, body, options), options.abortSignal);
  }

  private async withRetries<T>(call: () => Promise<T>, signal: AbortSignal | undefined): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await call();
      } catch (error) {
        if (attempt >= MAX_ATTEMPTS || !isRetryable(error)) throw error;
        await backoff(attempt, signal);
        // Aborted in the attempt or the wait: the attempt's own error (S3's answer, or the abort) is the reason.
        if (signal?.aborted === true) throw error;
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

  private sign(method: string, origin: URL, path: string, payloadHash: string, headers: Readonly<Record<string, string>> = {}): Record<string, string> {
    return signV4({
      method,
      host: origin.host,
      path,
      // S3 wants the payload hash sent as well as signed.
      headers: { ...headers, 'x-amz-content-sha256': payloadHash },
      payloadHash,
      service: 's3',
      region: this.region,
      credentials: this.credentials,
      now: new Date(),
    });
  }

  /** A signed GET or HEAD that S3 answered 200, and the object's metadata from its headers. */
  private async read(method: 'GET' | 'HEAD', bucket: string, key: string): Promise<{ readonly response: IncomingMessage; readonly head: S3ObjectHead }> {
    const { origin, path } = this.target(bucket, key);
    const headers = this.sign(method, origin, path, EMPTY_SHA256);
    const response = await this.http.send({ origin, path, method, headers });
    const status = response.statusCode ?? 0;
    if (status !== 200) throw await s3Error(response, status);
    const header = (name: string): string | undefined => {
      const value = response.headers[name];
      return typeof value === 'string' ? value : undefined;
    };
    const length = header('content-length');
    return {
      response,
      head: { contentLength: length === undefined ? undefined : Number(length), versionId: header('x-amz-version-id'), eTag: header('etag') },
    };
  }

  private async get(bucket: string, key: string): Promise<S3ObjectResponse> {
    const { response, head } = await this.read('GET', bucket, key);
    const { contentLength } = head;
    return {
      ...head,
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

  private async head(bucket: string, key: string): Promise<S3ObjectHead> {
    const { response, head } = await this.read('HEAD', bucket, key);
    response.resume(); // a HEAD answer has no body; this frees the connection
    return head;
  }

  private async put(bucket: string, key: string, body: string | Uint8Array, options: PutObjectOptions): Promise<void> {
    const { origin, path } = this.target(bucket, key);
    const headers = this.sign('PUT', origin, path, sha256Hex(body), {
      'content-length': String(typeof body === 'string' ? Buffer.byteLength(body) : body.byteLength),
      ...(options.contentType === undefined ? {} : { 'content-type': options.contentType }),
    });
    const response = await this.http.send({
      origin,
      path,
      method: 'PUT',
      headers,
      body,
      ...(options.abortSignal === undefined ? {} : { signal: options.abortSignal }),
    });
    const status = response.statusCode ?? 0;
    if (status !== 200) throw await s3Error(response, status);
    // Read to the end (S3 sends none) so that the socket goes back to the pool.
    await readBody(response, MAX_ERROR_BODY);
  }
}
