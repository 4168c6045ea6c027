/**
 * An `s3://` output as a {@link ByteSink}: a multipart upload. Its own file so that writing a
 * local output never loads the AWS SDK.
 */
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
import type { ByteSink } from './sink.js';
import { parseS3Url } from './source.js';

/** Part size of multipart uploads (S3's minimum is 5 MiB for every part but the last). */
const S3_PART_BYTES = 8 * 1024 * 1024;

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
