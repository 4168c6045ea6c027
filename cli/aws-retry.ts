/**
 * A command's up-front call to a service (the stream check of `produce` and `tail`), retried on
 * throttling and 5xx only, a bounded number of times, with a line on stderr once the waiting
 * passes a second, then one line naming the resource. The Kinesis client makes one attempt per
 * call (`lambda/aws-clients.ts`: its writer retries by itself), so the retries are here.
 */
import { setTimeout as sleep } from 'node:timers/promises';

import { awsFailureWords, isRetryableAwsError } from '../lambda/aws-failure.js';
import { describeAwsFailure } from './aws-errors.js';
import { CliError } from './errors.js';
import { note, type CliIO } from './io.js';

/** Attempts of an up-front call: about six seconds of backoff in all before giving up. */
export const CHECK_MAX_ATTEMPTS = 6;
/** First pause between attempts; doubled each time up to {@link CHECK_MAX_DELAY_MS}. */
const CHECK_BASE_DELAY_MS = 250;
const CHECK_MAX_DELAY_MS = 2_000;
/** Waiting longer than this is told on stderr, so that a slow start does not look like a hang. */
export const RETRY_NOTICE_MS = 1_000;

export interface AwsCheckOptions {
  /** The resource, as the messages name it: `stream ride_events at http://127.0.0.1:4567`. */
  readonly where: string;
  /** The service, for the words: `Kinesis`. */
  readonly service: string;
  /** Prefix of the progress line: the command's name. */
  readonly command: string;
  readonly io: CliIO;
  /** Pause before attempt n + 1 (tests shorten it). */
  readonly delayMs?: (attempt: number) => number;
}

/**
 * `call`'s result; a {@link CliError} of one line naming `where` when it fails for good.
 *
 * @example
 * const shards = await checkAws(() => listShards(client, stream), { where: `stream ${stream}`, service: 'Kinesis', command: 'tail', io });
 */
export async function checkAws<T>(call: () => Promise<T>, options: AwsCheckOptions): Promise<T> {
  const delayMs = options.delayMs ?? ((attempt) => Math.min(CHECK_MAX_DELAY_MS, CHECK_BASE_DELAY_MS * 2 ** (attempt - 1)));
  let waited = 0;
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (error) {
      if (!isRetryableAwsError(error) || attempt >= CHECK_MAX_ATTEMPTS) {
        const tries = attempt > 1 ? ` after ${attempt} attempts` : '';
        throw new CliError(`${describeAwsFailure(error, options.where, options.service)}${isRetryableAwsError(error) ? tries : ''}`, 1, { cause: error });
      }
      const delay = delayMs(attempt);
      waited += delay;
      if (waited >= RETRY_NOTICE_MS) {
        note(options.io, `${options.command}: ${options.where}: ${awsFailureWords(error, options.service)}; retrying (attempt ${attempt + 1} of ${CHECK_MAX_ATTEMPTS})`);
      }
      await sleep(delay);
    }
  }
}
