/**
 * The output's `PutRecords` without the AWS SDK: one SigV4-signed POST of Kinesis' JSON 1.1
 * protocol (`aws-signing.ts`) over `node:http(s)` (`aws-http.ts`).
 *
 * Why: the SDK's Kinesis client and its shared core are ~300 KB of code, which a cold start with an
 * output stream had to compile before its first write (~130 ms here, BENCHMARKS.md), plus its
 * first-request set-up. The call itself is small and fixed by the Kinesis API reference. Retries,
 * deadlines and error classes stay where they were, in `putRecordsReliably` (`sinks/kinesis.ts`),
 * which sees the same response shape and the same error shape (`name` = the error code,
 * `$metadata.httpStatusCode`) from this client as from the SDK's. It is used when the role's
 * credentials are in the environment, which inside Lambda they always are; elsewhere the SDK's
 * client (`sinks/kinesis-sdk.ts`) with its full provider chain is used.
 */
import { AwsHttp, dnsSuffix, readBody } from './aws-http.js';
import { AwsRequestError, signV4, type SigningCredentials } from './aws-signing.js';
import { sha256Hex } from './model/digest.js';
import type { PutRecordsClient, PutRecordsInput, PutRecordsOutput } from './sinks/kinesis.js';

/** The API version's target prefix of the Kinesis JSON protocol. */
const TARGET = 'Kinesis_20131202.PutRecords';
const CONTENT_TYPE = 'application/x-amz-json-1.1';
/** Most bytes of a response read: 500 results of ~100 bytes each, with room to spare. */
const MAX_RESPONSE_BYTES = 4 * 1024 * 1024;

export interface SignedKinesisWriterOptions {
  readonly region: string;
  readonly credentials: SigningCredentials;
  /** Custom endpoint (kinesalite, a VPC endpoint URL). Default: Kinesis in `region`. */
  readonly endpoint?: string | undefined;
}

/** `"com.amazonaws.kinesis.v20131202#ResourceNotFoundException:..."` → `ResourceNotFoundException`. */
function errorCode(type: string): string {
  const name = type.slice(type.lastIndexOf('#') + 1);
  const colon = name.indexOf(':');
  return colon < 0 ? name : name.slice(0, colon);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Writes records with SigV4-signed `PutRecords` calls.
 *
 * @example
 * ```ts
 * const client = new SignedKinesisWriter({ region: 'eu-west-1', credentials });
 * await putRecordsReliably(client, 'ride_predictions', records, { remainingTimeMs: () => 10_000 });
 * ```
 */
export class SignedKinesisWriter implements PutRecordsClient {
  private readonly origin: URL;
  private readonly path: string;
  private readonly region: string;
  private readonly credentials: SigningCredentials;
  private readonly http = new AwsHttp();

  constructor(options: SignedKinesisWriterOptions) {
    this.region = options.region;
    this.credentials = options.credentials;
    this.origin = new URL(options.endpoint ?? `https://kinesis.${options.region}.${dnsSuffix(options.region)}`);
    this.path = this.origin.pathname === '' ? '/' : this.origin.pathname;
  }

  async putRecords(input: PutRecordsInput, options: { readonly abortSignal: AbortSignal }): Promise<PutRecordsOutput> {
    const body = JSON.stringify({
      StreamName: input.StreamName,
      Records: input.Records.map((record) => ({
        Data: Buffer.from(record.Data.buffer, record.Data.byteOffset, record.Data.byteLength).toString('base64'),
        PartitionKey: record.PartitionKey,
      })),
    });
    const headers = signV4({
      method: 'POST',
      host: this.origin.host,
      path: this.path,
      headers: { 'content-type': CONTENT_TYPE, 'x-amz-target': TARGET },
      payloadHash: sha256Hex(body),
      service: 'kinesis',
      region: this.region,
      credentials: this.credentials,
      now: new Date(),
    });
    const response = await this.http.send({
      origin: this.origin,
      path: this.path,
      method: 'POST',
      headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) },
      body,
      signal: options.abortSignal,
    });
    const status = response.statusCode ?? 0;
    const text = (await readBody(response, MAX_RESPONSE_BYTES)).toString('utf8');
    let parsed: unknown;
    try {
      parsed = text === '' ? {} : JSON.parse(text);
    } catch {
      parsed = undefined;
    }
    if (status !== 200) {
      const fields = isRecord(parsed) ? parsed : {};
      const type = typeof fields.__type === 'string' ? fields.__type : response.headers['x-amzn-errortype'];
      const code = typeof type === 'string' && type !== '' ? errorCode(type) : status >= 500 ? 'InternalFailure' : `HTTP${status}`;
      const message = typeof fields.message === 'string' ? fields.message : typeof fields.Message === 'string' ? fields.Message : `Kinesis answered HTTP ${status}`;
      throw new AwsRequestError(code, message, status);
    }
    if (!isRecord(parsed) || !Array.isArray(parsed.Records)) {
      throw new AwsRequestError('InternalFailure', 'PutRecords answered without a Records list', status);
    }
    return parsed as PutRecordsOutput;
  }
}
