/**
 * `PutObject` through the AWS SDK's `S3Client`: the dead letters' writer for the CLI, the local
 * pipeline, tests that inject an SDK client, and any place whose credentials come from the SDK's
 * provider chain rather than the environment.
 */
import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { S3ObjectWriter } from './dead-letter.js';

/**
 * @example
 * ```ts
 * const sink = new S3DeadLetterSink({ client: sdkS3ObjectWriter(createS3Client()), bucket: 'dlq', prefix: 'dead-letters/' });
 * ```
 */
export function sdkS3ObjectWriter(client: S3Client): S3ObjectWriter {
  return {
    async putObject(bucket, key, body, options = {}) {
      await client.send(
        new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ContentType: options.contentType }),
        options.abortSignal === undefined ? {} : { abortSignal: options.abortSignal },
      );
    },
  };
}
