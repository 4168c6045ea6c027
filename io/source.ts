/**
 * Where ride files are read from: a local path, an `https://` (or `http://`) URL, or an `s3://`
 * location (`s3Source`, in `s3-source.ts`: the AWS SDK loads only where S3 is used). Parquet is read by byte ranges (the footer, then the column chunks of one row group at a
 * time: never the whole file), CSV and JSON lines as one streamed body.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { Readable } from 'node:stream';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { asyncBufferFromFile, asyncBufferFromUrl, type AsyncBuffer } from 'hyparquet';

import { RideFileError } from './errors.js';

/** Bytes of a ride file, by range (parquet) or as one stream (CSV, JSON lines). */
export interface RideSource {
  /** The location as given, for messages. */
  readonly name: string;
  /** Random access for parquet (only the ranges asked for are fetched). */
  asyncBuffer(): Promise<AsyncBuffer>;
  /** The whole file as a byte stream, read as it arrives. */
  stream(): Promise<Readable>;
}

/** `s3://bucket/key` split, or `undefined` for anything else. */
export function parseS3Url(location: string): { bucket: string; key: string } | undefined {
  const m = /^s3:\/\/([^/]+)\/(.*)$/i.exec(location);
  return m?.[1] === undefined || m[2] === undefined ? undefined : { bucket: m[1], key: m[2] };
}

/** True for `http://` and `https://` locations. */
export const isHttpUrl = (location: string): boolean => /^https?:\/\//i.test(location);

/** True for `s3://` locations. */
export const isS3Url = (location: string): boolean => /^s3:\/\//i.test(location);

/** A local file. */
export function fileSource(path: string): RideSource {
  return {
    name: path,
    asyncBuffer: () => asyncBufferFromFile(path),
    stream: async () => createReadStream(path),
  };
}

/**
 * An HTTP(S) URL: parquet through range requests (hyparquet's `asyncBufferFromUrl`: one HEAD for
 * the size, then `Range: bytes=…` GETs), text as the streamed body of one GET.
 */
export function httpSource(url: string, signal?: AbortSignal): RideSource {
  const init: RequestInit = signal === undefined ? {} : { signal };
  return {
    name: url,
    asyncBuffer: () => asyncBufferFromUrl({ url, requestInit: init }),
    async stream() {
      const response = await fetch(url, init);
      if (!response.ok || response.body === null) throw new RideFileError(`${url}: HTTP ${response.status} ${response.statusText}`, url);
      return Readable.fromWeb(response.body as WebReadableStream<Uint8Array>);
    },
  };
}

/** Size of a local file, or why it cannot be read as one. */
export async function localFileProblem(path: string): Promise<string | undefined> {
  try {
    const info = await stat(path);
    return info.isFile() ? undefined : 'is not a file';
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message;
  }
}
