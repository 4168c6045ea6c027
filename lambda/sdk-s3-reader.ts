/**
 * The model's S3 reads through the AWS SDK's `GetObject`: the reader for the CLI, the local pipeline
 * and any place whose credentials come from the SDK's provider chain (profiles, SSO, IMDS) rather
 * than the environment.
 */
import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { S3ObjectReader, S3ObjectResponse } from './model/locate.js';

/**
 * Adapts an `S3Client` to the model loader.
 *
 * @example
 * ```ts
 * await loadModel('s3://models/lin_reg.bin', { s3: sdkS3Reader(createS3Client()) });
 * ```
 */
export function sdkS3Reader(client: S3Client): S3ObjectReader {
  return {
    async getObject(bucket: string, key: string): Promise<S3ObjectResponse> {
      const out = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      const body = out.Body;
      return {
        contentLength: out.ContentLength,
        versionId: out.VersionId,
        eTag: out.ETag,
        readBody: async () => {
          if (body === undefined) throw new Error('the response has no body');
          return body.transformToByteArray();
        },
        discard: () => {
          // The Node body is an IncomingMessage; destroying it frees the socket.
          (body as { destroy?: () => void } | undefined)?.destroy?.();
        },
      };
    },
  };
}
