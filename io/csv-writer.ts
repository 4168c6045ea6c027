/**
 * A streaming CSV file writer with back-pressure, for outputs of any size.
 */
import { createWriteStream } from 'node:fs';
import type { Writable } from 'node:stream';
import { once } from 'node:events';

import { formatCsvLine } from './format.js';
import type { CsvInteger, CsvValue } from './format.js';

/**
 * Writes CSV lines to a file (or any writable stream) with `\n` line endings.
 *
 * @example
 * const out = CsvWriter.toFile('out.csv', ['PULocationID', 'prediction']);
 * await out.write([csvInt(130), 12.78553032985699]);
 * await out.close();
 */
export class CsvWriter {
  #rows = 0;
  #ownsStream: boolean;

  private constructor(
    private readonly stream: Writable,
    ownsStream: boolean,
  ) {
    this.#ownsStream = ownsStream;
    // Remember an open/write failure (e.g. missing directory) instead of crashing the process.
    stream.on('error', (error: Error) => {
      this.#error ??= error;
    });
  }

  #error: Error | undefined;
  #closed = false;

  #check(): void {
    if (this.#error) throw this.#error;
  }

  /** Opens (truncates) `path` and writes the header line. */
  static toFile(path: string, header: readonly string[]): CsvWriter {
    const writer = new CsvWriter(createWriteStream(path, { encoding: 'utf8' }), true);
    writer.stream.write(`${formatCsvLine(header)}\n`);
    return writer;
  }

  /** Writes to an existing stream (e.g. stdout), which {@link close} leaves open. */
  static toStream(stream: Writable, header: readonly string[]): CsvWriter {
    const writer = new CsvWriter(stream, false);
    writer.stream.write(`${formatCsvLine(header)}\n`);
    return writer;
  }

  /** Data lines written so far (the header excluded). */
  get rows(): number {
    return this.#rows;
  }

  /** Writes one line, waiting when the stream's buffer is full. */
  async write(cells: ReadonlyArray<CsvValue | CsvInteger>): Promise<void> {
    this.#check();
    this.#rows++;
    if (!this.stream.write(`${formatCsvLine(cells)}\n`)) await once(this.stream, 'drain');
  }

  /** Flushes and, for files, closes (once; later calls do nothing). Resolves when everything is on disk. */
  async close(): Promise<void> {
    this.#check();
    if (!this.#ownsStream || this.#closed) return;
    this.#closed = true;
    const finished = once(this.stream, 'finish');
    this.stream.end();
    await finished;
    this.#check();
  }
}
