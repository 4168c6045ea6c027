/**
 * In-memory sinks: the dead-letter store of a local invoke (no `DEAD_LETTER_BUCKET`), and the
 * output of tests and the CLI.
 */
import type { OutputBatch } from './output-batch.js';
import type { DeadLetter, DeadLetterSink, OutputFailure, OutputSink, WriteOptions } from './types.js';

/** Keeps every dead letter it is given, in order. */
export class MemoryDeadLetterSink implements DeadLetterSink {
  readonly letters: DeadLetter[] = [];

  async write(letters: readonly DeadLetter[], _options?: WriteOptions): Promise<void> {
    this.letters.push(...letters);
  }
}

/** Keeps every output record it is given, decoded back to the JSON text. */
export class MemoryOutputSink implements OutputSink {
  readonly records: Array<{ readonly partitionKey: string; readonly data: string }> = [];

  async write(batch: OutputBatch, _options?: WriteOptions): Promise<readonly OutputFailure[]> {
    for (let i = 0; i < batch.length; i++) this.records.push({ partitionKey: batch.partitionKey(i), data: batch.text(i) });
    return [];
  }
}
