/**
 * AWS Signature Version 4 for the function's own calls on its cold and hot paths (the model's
 * `GetObject`, the output's `PutRecords`), without the SDK's signer and the ~80 KB of `@smithy/core`
 * it brings. The algorithm is AWS's published one; the tests hold it to the SDK's own signer
 * (`@smithy/signature-v4`) on requests as they arrive at a server.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv-create-signed-request.html
 */
import { createHmac } from 'node:crypto';
import { sha256Hex } from './model/digest.js';

/** AWS credentials as Lambda gives them to the function (`AWS_ACCESS_KEY_ID`, …). */
export interface SigningCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string | undefined;
}

/** sha256 of an empty body. */
export const EMPTY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

/** A failed AWS call, shaped like the SDK's service exceptions: `name` is the service's error code. */
export class AwsRequestError extends Error {
  readonly $metadata: { readonly httpStatusCode?: number };

  constructor(code: string, message: string, httpStatusCode?: number, options?: ErrorOptions) {
    super(message, options);
    this.name = code;
    this.$metadata = httpStatusCode === undefined ? {} : { httpStatusCode };
  }
}


const hmac = (key: string | Buffer, text: string): Buffer => createHmac('sha256', key).update(text, 'utf8').digest();

export interface SigningInput {
  readonly method: string;
  /** `host[:port]`, as sent in the Host header. */
  readonly host: string;
  /** The path exactly as sent (already escaped). */
  readonly path: string;
  /** Further headers to sign and send, names in lower case. */
  readonly headers?: Readonly<Record<string, string>>;
  /** Hex sha256 of the body. */
  readonly payloadHash: string;
  readonly service: string;
  readonly region: string;
  readonly credentials: SigningCredentials;
  readonly now: Date;
}

/**
 * The headers of a signed request without a query string: `host`, `x-amz-date`, the session token
 * when there is one, the given headers, and `authorization`.
 */
export function signV4(input: SigningInput): Record<string, string> {
  const amzDate = input.now.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, ''); // 20261201T170000Z
  const day = amzDate.slice(0, 8);
  const headers: Record<string, string> = { ...input.headers, host: input.host, 'x-amz-date': amzDate };
  if (input.credentials.sessionToken !== undefined) headers['x-amz-security-token'] = input.credentials.sessionToken;
  const names = Object.keys(headers).sort();
  const signedHeaders = names.join(';');
  const canonicalRequest = [
    input.method,
    input.path,
    '', // no query string
    ...names.map((name) => `${name}:${headers[name]!.trim()}`),
    '',
    signedHeaders,
    input.payloadHash,
  ].join('\n');
  const scope = `${day}/${input.region}/${input.service}/aws4_request`;
  const stringToSign = ['AWS4-HMAC-SHA256', amzDate, scope, sha256Hex(canonicalRequest)].join('\n');
  const key = hmac(hmac(hmac(hmac(`AWS4${input.credentials.secretAccessKey}`, day), input.region), input.service), 'aws4_request');
  const signature = createHmac('sha256', key).update(stringToSign, 'utf8').digest('hex');
  return {
    ...headers,
    authorization: `AWS4-HMAC-SHA256 Credential=${input.credentials.accessKeyId}/${scope}, SignedHeaders=${signedHeaders}, Signature=${signature}`,
  };
}
