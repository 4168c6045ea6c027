/**
 * An `s3://` ride file as a {@link RideSource}. Its own file so that reading local or https://
 * files never loads the AWS SDK (a third of the CLI's start-up).
 */
import type { Readable } from 'node:stream';
import { GetObjectCommand, HeadObjectCommand, type S3Client } from '@aws-sdk/client-s3';

import { awsFailureWords, httpStatusOf } from '../lambda/aws-failure.js';
import { RideFileError } from './errors.js';
import { parseS3Url, type RideSource } from './source.js';

/**
 * S3's refusal in words naming the object: a HEAD's 404 or 403 has no body, and the SDK's message
 * for it is its own `UnknownError`. An abort (Ctrl-C) is passed on as it is.
 */
function s3ReadFailure(error: unknown, location: string, signal: AbortSignal | undefined): unknown {
  if (signal?.aborted === true) return error;
  const words = httpStatusOf(error) === 404 ? 'not found in S3 (no such bucket or key)' : awsFailureWords(error, 'S3');
  return new RideFileError(`${location}: ${words}`, location, { cause: error });
}

/** An `s3://bucket/key` object: parquet by ranged GetObject, text as one streamed GetObject. */
export function s3Source(s3: S3Client, location: string, signal?: AbortSignal): RideSource {
  const parsed = parseS3Url(location);
  if (parsed === undefined) throw new RideFileError(`${location}: not an s3://bucket/key location`, location);
  const { bucket: Bucket, key: Key } = parsed;
  const options = signal === undefined ? {} : { abortSignal: signal };
  const body = async (Range?: string): Promise<Readable> => {
    try {
      const response = await s3.send(new GetObjectCommand({ Bucket, Key, ...(Range === undefined ? {} : { Range }) }), options);
      return response.Body as Readable;
    } catch (error) {
      throw s3ReadFailure(error, location, signal);
    }
  };
  return {
    name: location,
    async asyncBuffer() {
      const head = await s3.send(new HeadObjectCommand({ Bucket, Key }), options).catch((error: unknown) => {
        throw s3ReadFailure(error, location, signal);
      });
      return {
        byteLength: head.ContentLength ?? 0,
        async slice(start: number, end?: number): Promise<ArrayBuffer> {
          const stream = await body(`bytes=${start}-${end === undefined ? '' : end - 1}`);
          const chunks: Buffer[] = [];
          for await (const chunk of stream) chunks.push(chunk as Buffer);
          const bytes = Buffer.concat(chunks);
          return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
        },
      };
    },
    stream: () => body(),
  };
}
