/**
 * Where a batch output goes: a local file (written as `<path>.partial`, renamed when complete) or
 * an `s3://` object (`s3Sink` in `s3-sink.ts`: a multipart upload of 8 MiB parts, completed at the end,
 * aborted on failure).
 * Either way nothing appears under the real name until the whole output is written, and at most
 * one part is held in memory: no local copy of the whole output.
 */
import { createWriteStream, rmSync } from 'node:fs';
import { once } from 'node:events';
import { rename, rm } from 'node:fs/promises';

import { RideFileError } from './errors.js';

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
