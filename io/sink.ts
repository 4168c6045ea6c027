/**
 * Where a batch output goes: a local file (written as `<path>.partial`, renamed when complete) or
 * an `s3://` object (a multipart upload of 8 MiB parts, completed at the end, aborted on failure).
 * Either way nothing appears under the real name until the whole output is written, and at most
 * one part is held in memory: no local copy of the whole output.
 */
import { createWriteStream, rmSync } from 'node:fs';
import { once } from 'node:events';
import { rename, rm } from 'node:fs/promises';
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  PutObjectCommand,
  UploadPartCommand,
  type CompletedPart,
  type S3Client,
} from '@aws-sdk/client-s3';

import { RideFileError } from './errors.js';
import { parseS3Url } from './source.js';

/** Bytes out, committed under the real name only at the end. */
export interface ByteSink {
  /** The location as given, for messages. */
  readonly name: string;
  /** Appends bytes, waiting when the destination is behind (back-pressure). */
  write(bytes: Uint8Array): Promise<void>;
  /** Finishes the output and puts it under its real name. */
  commit(): Promise<void>;
  /** Removes whatever was written (the run failed or was interrupted). */
  abort(): Promise<void>;
  /** Best-effort synchronous removal of local leftovers, for a forced exit. */
  abortSync(): void;
}

/** A local file written as `<path>.partial` and renamed by `commit`. */
export function fileSink(path: string): ByteSink {
  const partial = `${path}.partial`;
  const stream = createWriteStream(partial);
  let failure: Error | undefined;
  stream.on('error', (error: Error) => {
    failure ??= error;
  });
  const check = (): void => {
    if (failure) throw new RideFileError(`${path}: cannot write (${failure.message})`, path, { cause: failure });
  };
  return {
    name: path,
    async write(bytes) {
      check();
      // events.once rejects on 'error', so a failing disk cannot leave this waiting.
      if (!stream.write(bytes)) await once(stream, 'drain').catch(() => undefined);
      check();
    },
    async commit() {
      check();
      const finished = once(stream, 'finish');
      stream.end();
      await finished;
      check();
      await rename(partial, path);
    },
    async abort() {
      stream.destroy();
      await rm(partial, { force: true });
    },
    abortSync() {
      stream.destroy();
      rmSync(partial, { force: true });
    },
  };
}

/** Part size of multipart uploads (S3's minimum is 5 MiB for every part but the last). */
export const S3_PART_BYTES = 8 * 1024 * 1024;

/**
 * An `s3://bucket/key` object, streamed: bytes are gathered into parts of {@link S3_PART_BYTES}
 * and each is sent with UploadPart as it fills; `commit` completes the upload (an output smaller
 * than one part is sent with one PutObject instead), `abort` aborts it so no parts linger.
 */
export function s3Sink(s3: S3Client, location: string, partBytes: number = S3_PART_BYTES): ByteSink {
  const parsed = parseS3Url(location);
  if (parsed === undefined || parsed.key === '') throw new RideFileError(`${location}: not an s3://bucket/key location`, location);
  const { bucket: Bucket, key: Key } = parsed;
  let pending: Uint8Array[] = [];
  let pendingBytes = 0;
  let uploadId: string | undefined;
  const parts: CompletedPart[] = [];
  const take = (): Buffer => {
    const body = Buffer.concat(pending, pendingBytes);
    pending = [];
    pendingBytes = 0;
    return body;
  };
  const uploadPart = async (): Promise<void> => {
    if (uploadId === undefined) {
      const created = await s3.send(new CreateMultipartUploadCommand({ Bucket, Key }));
      uploadId = created.UploadId;
    }
    const PartNumber = parts.length + 1;
    const result = await s3.send(new UploadPartCommand({ Bucket, Key, UploadId: uploadId, PartNumber, Body: take() }));
    parts.push({ PartNumber, ETag: result.ETag });
  };
  return {
    name: location,
    async write(bytes) {
      // Copied: writers reuse their buffers.
      pending.push(Buffer.from(bytes));
      pendingBytes += bytes.byteLength;
      if (pendingBytes >= partBytes) await uploadPart();
    },
    async commit() {
      if (uploadId === undefined) {
        await s3.send(new PutObjectCommand({ Bucket, Key, Body: take() }));
        return;
      }
      if (pendingBytes > 0) await uploadPart();
      await s3.send(new CompleteMultipartUploadCommand({ Bucket, Key, UploadId: uploadId, MultipartUpload: { Parts: parts } }));
    },
    async abort() {
      pending = [];
      if (uploadId !== undefined) await s3.send(new AbortMultipartUploadCommand({ Bucket, Key, UploadId: uploadId })).catch(() => undefined);
    },
    abortSync() {
      pending = [];
    },
  };
}
