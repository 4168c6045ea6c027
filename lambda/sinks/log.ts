/**
 * Last-resort dead-letter store when no `DEAD_LETTER_BUCKET` is configured outside `TEST_RUN`:
 * each poison record goes to the log at ERROR level, where it is durable (CloudWatch Logs) and
 * searchable. Nothing is dropped just because the bucket was left out; but a CloudWatch log event
 * holds at most 256 KB, and a record's data can be 1 MiB, so a letter's data is cut to
 * {@link MAX_LOGGED_DATA_CHARS} with `truncated: true` and its original length. Configure the
 * dead-letter bucket to keep full copies.
 */
import type { LogSink } from '../log-sink.js';
import type { DeadLetter, DeadLetterSink, WriteOptions } from './types.js';

/**
 * Longest `data` (base64, one byte a character) logged whole: 200,000 leaves more than 50 kB of a
 * CloudWatch log event's 262,144 bytes for the letter's other fields (a reason and keys of a few
 * hundred bytes at most) and the logger's own (timestamp, level, service, request id).
 */
export const MAX_LOGGED_DATA_CHARS = 200_000;

/** A dead letter as logged: its data possibly cut, then saying so. */
export type LoggedDeadLetter = DeadLetter & { readonly truncated?: true; readonly dataLength?: number };

/**
 * `letter` as it fits one log event.
 *
 * @example
 * ```ts
 * loggedLetter({ ...letter, data: 'A'.repeat(1_400_000) });
 * // { ...letter, data: 'A'.repeat(200_000), truncated: true, dataLength: 1_400_000 }
 * ```
 */
export function loggedLetter(letter: DeadLetter): LoggedDeadLetter {
  if (letter.data.length <= MAX_LOGGED_DATA_CHARS) return letter;
  return { ...letter, data: letter.data.slice(0, MAX_LOGGED_DATA_CHARS), truncated: true, dataLength: letter.data.length };
}

export class LogDeadLetterSink implements DeadLetterSink {
  constructor(private readonly log: LogSink) {}

  async write(letters: readonly DeadLetter[], _options?: WriteOptions): Promise<void> {
    for (const letter of letters) this.log.error('Dead letter (no DEAD_LETTER_BUCKET configured)', { deadLetter: loggedLetter(letter) });
  }
}
