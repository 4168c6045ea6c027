/**
 * Sinks built on first use. The AWS SDK clients behind the Kinesis and S3 sinks are most of the
 * bundle; loading them on demand (a separate chunk of the bundle) keeps them out of the cold start
 * of a container that may never need them (`TEST_RUN`, no poison, or the role's credentials in the
 * environment, with which the function signs its own calls).
 */
import type { DeadLetter, DeadLetterSink, OutputFailure, OutputSink, WriteOptions } from './types.js';
import type { OutputBatch } from './output-batch.js';

/** A value loaded once, on first `get()`; a failed load is not kept, the next `get()` tries again. */
export class Deferred<T> {
  private value: Promise<T> | undefined;

  constructor(private readonly load: () => Promise<T>) {}

  get(): Promise<T> {
    this.value ??= this.load().catch((error: unknown) => {
      this.value = undefined;
      throw error;
    });
    return this.value;
  }
}

/** An {@link OutputSink} whose real sink is loaded on the first write (or earlier, by its owner's `get()`). */
export class DeferredOutputSink implements OutputSink {
  constructor(private readonly deferred: Deferred<OutputSink>) {}

  async write(batch: OutputBatch, options: WriteOptions): Promise<readonly OutputFailure[]> {
    return (await this.deferred.get()).write(batch, options);
  }
}

/** A {@link DeadLetterSink} whose real sink is loaded on the first write. */
export class DeferredDeadLetterSink implements DeadLetterSink {
  constructor(private readonly deferred: Deferred<DeadLetterSink>) {}

  async write(letters: readonly DeadLetter[], options: WriteOptions): Promise<void> {
    return (await this.deferred.get()).write(letters, options);
  }
}
