/**
 * Last-resort dead-letter store when no `DEAD_LETTER_BUCKET` is configured outside `TEST_RUN`:
 * each poison record, raw data included, goes to the log at ERROR level, where it is durable
 * (CloudWatch Logs) and searchable. Nothing is dropped just because the bucket was left out.
 */
import type { LogSink } from '../observability.js';
import type { DeadLetter, DeadLetterSink, WriteOptions } from './types.js';

export class LogDeadLetterSink implements DeadLetterSink {
  constructor(private readonly log: LogSink) {}

  async write(letters: readonly DeadLetter[], _options?: WriteOptions): Promise<void> {
    for (const letter of letters) this.log.error('Dead letter (no DEAD_LETTER_BUCKET configured)', { deadLetter: letter });
  }
}
