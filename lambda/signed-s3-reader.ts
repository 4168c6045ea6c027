/**
 * The model's S3 `GetObject` at cold start, without the AWS SDK: one SigV4-signed GET over
 * `node:http(s)`.
 *
 * Why: the function's cold start is dominated by compiling and first running code. The SDK's S3
 * client (schemas, middleware stack, endpoint rules, credential provider chain) is most of the
 * bundle and ~40 ms of the first request, and even its signer alone pulls in ~80 KB of
 * `@smithy/core`; this file is a few kilobytes. SigV4 for a bodiless GET is small and fixed by
 * AWS's specification; the tests hold it to the SDK's own signer (`@smithy/signature-v4`) on the
 * request as it arrives at a server. It is used when the credentials are in the environment, which
 * inside Lambda they always are; anywhere else the SDK's reader (`sdk-s3-reader.ts`) with its full
 * provider chain is used instead.
 */
import { createHash, createHmac } from 'node:crypto';
import { Agent as HttpAgent, request as httpRequest, type IncomingMessage, type OutgoingHttpHeaders } from 'node:http';
import type { S3ObjectReader, S3ObjectResponse } from './model/locate.js';

/** Calls per object at most; network errors, 5xx and throttling are tried again. */
export const MAX_ATTEMPTS = 3;
/** A socket silent for this long (connecting or mid-body) fails the attempt. */
export const IDLE_TIMEOUT_MS = 10_000;
/** First backoff cap; attempt n waits `random() * BASE_DELAY_MS * 2^n`. */
const BASE_DELAY_MS = 100;
/** Most bytes of an error response read for its `<Code>` and `<Message>`. */
const MAX_ERROR_BODY = 16 * 1024;
/** sha256 of the empty body of a GET, which S3 wants signed and sent as `x-amz-content-sha256`. */
const EMPTY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

export interface SignedS3ReaderOptions {
  readonly region: string;
  readonly credentials: SigningCredentials;
  /** Custom endpoint (s3rver, a VPC endpoint URL): path-style requests to it. Default: S3 in `region`. */
  readonly endpoint?: string | undefined;
}

/** A failed S3 call, shaped like the SDK's service exceptions (`name` = S3's error code). */
export class S3RequestError extends Error {
  readonly $metadata: { readonly httpStatusCode?: number };

  constructor(code: string, message: string, httpStatusCode?: number, options?: ErrorOptions) {
    super(message, options);
    this.name = code;
    this.$metadata = httpStatusCode === undefined ? {} : { httpStatusCode };
  }
}

/** AWS credentials as Lambda gives them to the function (`AWS_ACCESS_KEY_ID`, …). */
export interface SigningCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string | undefined;
}

const hmac = (key: string | Buffer, text: string): Buffer => createHmac('sha256', key).update(text, 'utf8').digest();

/**
 * SigV4 headers of a bodiless S3 GET of `path` (already escaped) on `host`, at `now`.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv-create-signed-request.html
 */
export function signS3Get(
  host: string,
  path: string,
  region: string,
  credentials: SigningCredentials,
  now: Date,
): Record<string, string> {
  const amzDate = now.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, ''); // 20261201T170000Z
  const day = amzDate.slice(0, 8);
  const headers: Record<string, string> = { host, 'x-amz-content-sha256': EMPTY_SHA256, 'x-amz-date': amzDate };
  if (credentials.sessionToken !== undefined) headers['x-amz-security-token'] = credentials.sessionToken;
  const names = Object.keys(headers).sort();
  const signedHeaders = names.join(';');
  const canonicalRequest = ['GET', path, '', ...names.map((name) => `${name}:${headers[name]!.trim()}`), '', signedHeaders, EMPTY_SHA256].join('\n');
  const scope = `${day}/${region}/s3/aws4_request`;
  const stringToSign = ['AWS4-HMAC-SHA256', amzDate, scope, createHash('sha256').update(canonicalRequest, 'utf8').digest('hex')].join('\n');
  const key = hmac(hmac(hmac(hmac(`AWS4${credentials.secretAccessKey}`, day), region), 's3'), 'aws4_request');
  const signature = createHmac('sha256', key).update(stringToSign, 'utf8').digest('hex');
  return {
    ...headers,
    authorization: `AWS4-HMAC-SHA256 Credential=${credentials.accessKeyId}/${scope}, SignedHeaders=${signedHeaders}, Signature=${signature}`,
  };
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
  if (!(error instanceof S3RequestError)) return true; // network: refused, reset, timed out
  const status = error.$metadata.httpStatusCode ?? 0;
  return status >= 500 || status === 429 || RETRYABLE_CODES.has(error.name);
}

function readAll(response: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let length = 0;
    response.on('data', (chunk: Buffer) => {
      length += chunk.length;
      if (length > limit) {
        response.destroy(new RangeError(`response body larger than ${limit} bytes`));
        return;
      }
      chunks.push(chunk);
    });
    response.once('end', () => resolve(Buffer.concat(chunks, length)));
    response.once('error', reject);
    response.once('aborted', () => reject(new Error('response aborted')));
  });
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
  // Node unrefs idle pooled sockets, so they never hold a process open.
  private readonly httpAgent = new HttpAgent({ keepAlive: true });
  // TLS is loaded when first needed (S3 itself is always https; a local endpoint need not be).
  private https: Promise<{ readonly agent: import('node:https').Agent; readonly request: typeof import('node:https').request }> | undefined;

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
   * match), path-style on a custom endpoint. The path is kept as built: a `URL` would resolve `.`
   * and `..` segments, which are part of an S3 key.
   */
  private target(bucket: string, key: string): { readonly url: URL; readonly path: string } {
    if (this.base !== undefined) {
      return { url: this.base, path: `${this.base.pathname.replace(/\/+$/, '')}/${bucket}/${escapeKey(key)}` };
    }
    const host = `s3.${this.region}.amazonaws.com`;
    return bucket.includes('.')
      ? { url: new URL(`https://${host}`), path: `/${bucket}/${escapeKey(key)}` }
      : { url: new URL(`https://${bucket}.${host}`), path: `/${escapeKey(key)}` };
  }

  private async attempt(bucket: string, key: string): Promise<S3ObjectResponse> {
    const { url, path } = this.target(bucket, key);
    const headers: OutgoingHttpHeaders = signS3Get(url.host, path, this.region, this.credentials, new Date());
    const secure = url.protocol === 'https:';
    const tls = secure
      ? await (this.https ??= import('node:https').then(({ Agent, request }) => ({ agent: new Agent({ keepAlive: true }), request })))
      : undefined;
    const response = await new Promise<IncomingMessage>((resolve, reject) => {
      const request = (tls?.request ?? httpRequest)({
        protocol: url.protocol,
        hostname: url.hostname,
        port: url.port === '' ? undefined : Number(url.port),
        path,
        method: 'GET',
        headers,
        agent: tls?.agent ?? this.httpAgent,
        timeout: IDLE_TIMEOUT_MS,
      });
      request.once('response', resolve);
      request.once('timeout', () => request.destroy(new Error(`no answer from ${url.host} within ${IDLE_TIMEOUT_MS} ms`)));
      request.once('error', reject);
      request.end();
    });
    const status = response.statusCode ?? 0;
    if (status !== 200) {
      const body = (await readAll(response, MAX_ERROR_BODY).catch(() => Buffer.alloc(0))).toString('utf8');
      const code = xmlField(body, 'Code') ?? (status === 404 ? 'NotFound' : `HTTP${status}`);
      throw new S3RequestError(code, xmlField(body, 'Message') ?? `S3 answered HTTP ${status}`, status);
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
        const body = await readAll(response, contentLength ?? Number.MAX_SAFE_INTEGER);
        if (contentLength !== undefined && body.length !== contentLength) {
          throw new Error(`body ended after ${body.length} of ${contentLength} bytes`);
        }
        return body;
      },
      discard: () => response.destroy(),
    };
  }
}
