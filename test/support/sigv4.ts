/**
 * The SDK's own SigV4 signer, set up to check the function's hand-written signatures: a node:crypto
 * sha256 (HMAC with a secret) for it, independent of the function's, and {@link resignWithSdk}.
 */
import { createHash, createHmac, type Hash, type Hmac } from 'node:crypto';
import { SignatureV4 } from '@smithy/signature-v4';
import type { SourceData } from '@smithy/types';

export class Sha256 {
  private readonly hash: Hash | Hmac;
  constructor(secret?: SourceData) {
    const key =
      secret === undefined || typeof secret === 'string'
        ? secret
        : ArrayBuffer.isView(secret)
          ? new Uint8Array(secret.buffer, secret.byteOffset, secret.byteLength)
          : new Uint8Array(secret);
    this.hash = key === undefined ? createHash('sha256') : createHmac('sha256', key);
  }
  update(data: Uint8Array | string): void {
    this.hash.update(data);
  }
  digest(): Promise<Uint8Array> {
    return Promise.resolve(this.hash.digest());
  }
}

/** What SigV4 re-signing needs of a request as a server received it. */
export interface SignedRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: string | Uint8Array;
}

/**
 * Signs the request again with the AWS SDK's own signer (`@smithy/signature-v4`, over the headers
 * the request says it signed, at its `x-amz-date`), so a test can hold the function's hand-written
 * signature to the SDK's. `s3`: S3's rules (no double escaping of the path, the payload hash sent as
 * `x-amz-content-sha256`); otherwise the payload hash is taken from the body, as Kinesis wants.
 *
 * @returns the headers the request claims to have signed, and the `authorization` the SDK computes
 */
export async function resignWithSdk(
  request: SignedRequest,
  options: { readonly service: string; readonly region: string; readonly credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string }; readonly s3: boolean },
): Promise<{ readonly signedHeaders: string[]; readonly authorization: string | undefined }> {
  const signedHeaders = /SignedHeaders=([^,]+)/.exec(request.headers.authorization ?? '')?.[1]?.split(';') ?? [];
  const date = request.headers['x-amz-date'] ?? '';
  const signer = new SignatureV4({
    service: options.service,
    region: options.region,
    credentials: options.credentials,
    sha256: Sha256,
    ...(options.s3 ? { uriEscapePath: false, applyChecksum: true } : { applyChecksum: false }),
  });
  const resigned = await signer.sign(
    {
      method: request.method,
      protocol: 'http:',
      hostname: '127.0.0.1',
      path: request.path,
      query: {},
      headers: Object.fromEntries(signedHeaders.map((h) => [h, request.headers[h] ?? ''])),
      ...(request.body === undefined ? {} : { body: request.body }),
    },
    { signingDate: new Date(`${date.slice(0, 4)}-${date.slice(4, 6)}-${date.slice(6, 11)}:${date.slice(11, 13)}:${date.slice(13, 15)}Z`) },
  );
  return { signedHeaders, authorization: resigned.headers.authorization };
}
