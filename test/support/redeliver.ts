/**
 * Lambda's retry behaviour for a Kinesis shard, as the fault suites need it: a throwing invocation
 * retries the whole batch; a response with `batchItemFailures` checkpoints before the lowest failed
 * sequence number and delivers everything from there again.
 */
import type { Context, KinesisStreamRecord } from 'aws-lambda';
import type { BatchCounts } from '../../lambda/batch.js';
import type { RideHandler } from '../../lambda/handler.js';
import { kinesisEvent, lambdaContext } from './events.js';
import type { RecordingLog } from './log.js';

export interface DeliveryReport {
  readonly invocations: number;
  /** Invocations that threw (whole batch retried). */
  readonly errors: unknown[];
  /** Records delivered more than once in total (redelivery after a partial failure). */
  readonly redelivered: number;
  /** The `counts` of every completed invocation, read from the handler's 'Batch processed' log. */
  readonly counts: BatchCounts[];
}

export async function deliverUntilCheckpointed(
  handler: RideHandler,
  records: readonly KinesisStreamRecord[],
  options: { readonly log: RecordingLog; readonly context?: (invocation: number) => Context; readonly maxInvocations?: number },
): Promise<DeliveryReport> {
  let pending = [...records];
  let invocations = 0;
  let redelivered = 0;
  const errors: unknown[] = [];
  const max = options.maxInvocations ?? 50;
  while (pending.length > 0) {
    if (invocations >= max) throw new Error(`shard still blocked after ${max} invocations`);
    const context = options.context?.(invocations) ?? lambdaContext();
    invocations++;
    let failures: string[];
    try {
      const response = await handler(kinesisEvent(pending), context);
      failures = response.batchItemFailures.map((failure) => failure.itemIdentifier);
    } catch (error) {
      errors.push(error);
      redelivered += pending.length;
      continue;
    }
    if (failures.length === 0) break;
    const lowest = failures.reduce((min, seq) => (BigInt(seq) < min ? BigInt(seq) : min), BigInt(failures[0]!));
    pending = pending.filter((record) => BigInt(record.kinesis.sequenceNumber) >= lowest);
    redelivered += pending.length;
  }
  const counts = options.log.entries
    .filter((entry) => entry.message === 'Batch processed')
    .map((entry) => entry.fields.counts as BatchCounts);
  return { invocations, errors, redelivered, counts };
}

/** Seeded PRNG for reproducible fault patterns: the same one the poison generator uses. */
export { seededRandom } from '../../io/index.js';
