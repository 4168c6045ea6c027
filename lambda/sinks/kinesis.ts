/**
 * The output stream: `PutRecords` in chunks, retrying only the entries that failed.
 *
 * Kinesis accepts a `PutRecords` call partially: each entry either gets a sequence number or an
 * `ErrorCode`. Only the failed entries are sent again, after a capped exponential backoff with full
 * jitter, and never past the invocation's remaining time: what is still unwritten then is returned
 * as failures, which the batch reports in `batchItemFailures` so Lambda delivers those records again.
 */
import { PutRecordsCommand, type KinesisClient, type PutRecordsRequestEntry } from '@aws-sdk/client-kinesis';
import { silentLog, type LogSink } from '../log-sink.js';
import type { OutputBatch } from './output-batch.js';
import type { OutputFailure, OutputRecord, OutputSink, WriteOptions } from './types.js';

/** `PutRecords` limits: entries per call, and bytes per call (data + partition key, all entries). */
export const PUT_RECORDS_MAX_ENTRIES = 500;
export const PUT_RECORDS_MAX_BYTES = 5 * 1024 * 1024;

/** A call is not started with less time than this left: it could not complete. */
export const MIN_CALL_BUDGET_MS = 50;

/** Longest a single call may take, whatever the remaining time (also when there is no deadline). */
export const MAX_CALL_MS = 30_000;

/** Chunks of one batch written concurrently (more would mostly buy throttling). */
export const CHUNK_CONCURRENCY = 4;

export interface RetryPolicy {
  /** First backoff cap; the n-th retry waits `random() * min(maxDelayMs, baseDelayMs * 2^n)`. */
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
  /** Calls per chunk at most, first one included. The remaining time is the other bound. */
  readonly maxAttempts: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { baseDelayMs: 50, maxDelayMs: 2_000, maxAttempts: 20 };

/** Entry error codes worth another try; any other code fails the entry at once. */
export const RETRYABLE_ENTRY_ERRORS: ReadonlySet<string> = new Set([
  'ProvisionedThroughputExceededException',
  'InternalFailure',
  'KMSThrottlingException',
]);

/** Whole-call errors worth another try (throttling and server-side trouble). */
const RETRYABLE_CALL_ERRORS: ReadonlySet<string> = new Set([
  'ProvisionedThroughputExceededException',
  'LimitExceededException',
  'ThrottlingException',
  'KMSThrottlingException',
  'InternalFailure',
  'InternalFailureException',
  'InternalServerError',
  'ServiceUnavailable',
  'ServiceUnavailableException',
  'RequestTimeout',
  'RequestTimeoutException',
  'TimeoutError',
]);

export interface PutRecordsOptions extends WriteOptions {
  readonly retry?: Partial<RetryPolicy>;
  /** Injected for tests; default `setTimeout`. */
  readonly sleep?: (ms: number) => Promise<void>;
  /** Injected for tests; default `Math.random`. */
  readonly random?: () => number;
  readonly log?: LogSink;
}

export interface PutRecordsReport {
  /** Records still unwritten, by index into the input; empty when all were written. */
  readonly failures: OutputFailure[];
  /** `PutRecords` calls made. */
  readonly calls: number;
  /** Entries sent again after a failure (a record retried twice counts twice). */
  readonly retriedEntries: number;
}

interface CallError {
  readonly code: string;
  readonly message: string;
  readonly retryable: boolean;
}

function describeCallError(error: unknown): CallError {
  if (!(error instanceof Error)) return { code: 'UnknownError', message: String(error), retryable: true };
  const meta = error as Error & { $metadata?: { httpStatusCode?: number }; $retryable?: unknown; code?: unknown };
  const code = typeof meta.code === 'string' && meta.name === 'Error' ? meta.code : meta.name;
  const status = meta.$metadata?.httpStatusCode;
  // A programming error is no network trouble: retrying cannot help.
  if (status === undefined && (error instanceof TypeError || error instanceof RangeError || error instanceof SyntaxError)) {
    return { code, message: meta.message, retryable: false };
  }
  const retryable =
    RETRYABLE_CALL_ERRORS.has(code) ||
    meta.$retryable !== undefined ||
    (status !== undefined ? status >= 500 : true); // no HTTP status: a network error, worth another try
  return { code, message: meta.message, retryable };
}

/** Splits indices 0..n-1 into chunks within the `PutRecords` entry and byte limits. */
export function chunkRecords(records: readonly OutputRecord[]): number[][] {
  const chunks: number[][] = [];
  let current: number[] = [];
  let bytes = 0;
  for (let i = 0; i < records.length; i++) {
    const record = records[i]!;
    const size = record.data.byteLength + Buffer.byteLength(record.partitionKey, 'utf8');
    if (current.length === PUT_RECORDS_MAX_ENTRIES || (current.length > 0 && bytes + size > PUT_RECORDS_MAX_BYTES)) {
      chunks.push(current);
      current = [];
      bytes = 0;
    }
    current.push(i);
    bytes += size;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}

/** The `PutRecords` entries of the records at `indices`. */
export function putRecordsEntries(records: readonly OutputRecord[], indices: readonly number[]): PutRecordsRequestEntry[] {
  return indices.map((index) => ({ Data: records[index]!.data, PartitionKey: records[index]!.partitionKey }));
}

const defaultSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Writes `records` to `streamName`, retrying only failed entries, within `options.remainingTimeMs()`.
 *
 * Never throws: every record is either written or listed in `failures` with the last error seen.
 * A non-retryable call error (stream missing, access denied, validation) fails all records not yet
 * written at once, without further calls.
 *
 * @example
 * ```ts
 * const { failures } = await putRecordsReliably(kinesis, 'ride_predictions', records, {
 *   remainingTimeMs: () => context.getRemainingTimeInMillis() - 1_000,
 * });
 * ```
 */
export async function putRecordsReliably(
  client: KinesisClient,
  streamName: string,
  records: readonly OutputRecord[],
  options: PutRecordsOptions,
): Promise<PutRecordsReport> {
  const policy: RetryPolicy = { ...DEFAULT_RETRY_POLICY, ...options.retry };
  const sleep = options.sleep ?? defaultSleep;
  const random = options.random ?? Math.random;
  const log = options.log ?? silentLog;
  const failures: OutputFailure[] = [];
  let calls = 0;
  let retriedEntries = 0;
  let fatal: CallError | undefined;

  const fail = (indices: readonly number[], errorCode: string, errorMessage: string): void => {
    for (const index of indices) failures.push({ index, errorCode, errorMessage });
  };

  const writeChunk = async (chunk: readonly number[]): Promise<void> => {
    let pending = chunk;
    let lastCode = 'DeadlineExceeded';
    let lastMessage = 'no time left to write';
    for (let attempt = 0; ; attempt++) {
      if (fatal !== undefined) return fail(pending, fatal.code, fatal.message);
      const remaining = options.remainingTimeMs();
      if (remaining < MIN_CALL_BUDGET_MS) {
        return fail(pending, lastCode, `${lastMessage}; gave up with ${Math.max(0, Math.round(remaining))} ms left before the deadline`);
      }
      const entries = putRecordsEntries(records, pending);
      if (attempt > 0) retriedEntries += pending.length;
      calls++;
      try {
        const response = await client.send(new PutRecordsCommand({ StreamName: streamName, Records: entries }), {
          // AbortSignal.timeout takes a finite whole number of milliseconds.
          abortSignal: AbortSignal.timeout(Math.floor(Math.min(remaining, MAX_CALL_MS))),
        });
        const results = response.Records ?? [];
        if (results.length !== pending.length) {
          throw Object.assign(new Error(`PutRecords returned ${results.length} results for ${pending.length} entries`), {
            name: 'InternalFailure',
          });
        }
        const retry: number[] = [];
        for (let j = 0; j < results.length; j++) {
          const code = results[j]!.ErrorCode;
          if (code === undefined || code === null || code === '') continue;
          const index = pending[j]!;
          const message = results[j]!.ErrorMessage ?? code;
          if (RETRYABLE_ENTRY_ERRORS.has(code)) {
            retry.push(index);
            lastCode = code;
            lastMessage = message;
          } else {
            failures.push({ index, errorCode: code, errorMessage: message });
          }
        }
        if (retry.length > 0) {
          log.debug('PutRecords partially failed; retrying failed entries', {
            streamName, failed: retry.length, entries: pending.length, attempt,
          });
        }
        pending = retry;
      } catch (error) {
        const described = describeCallError(error);
        if (!described.retryable) {
          fatal = described;
          log.error('PutRecords failed and cannot succeed by retrying', {
            streamName, errorCode: described.code, errorMessage: described.message,
          });
          return fail(pending, described.code, described.message);
        }
        lastCode = described.code;
        lastMessage = described.message;
        log.debug('PutRecords call failed; retrying', { streamName, errorCode: described.code, attempt });
      }
      if (pending.length === 0) return;
      if (attempt + 1 >= policy.maxAttempts) {
        return fail(pending, lastCode, `${lastMessage}; gave up after ${attempt + 1} attempts`);
      }
      const delay = random() * Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** attempt);
      if (delay + MIN_CALL_BUDGET_MS > options.remainingTimeMs()) {
        return fail(pending, lastCode, `${lastMessage}; no time left for another attempt before the deadline`);
      }
      await sleep(delay);
    }
  };

  const chunks = chunkRecords(records);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < chunks.length) await writeChunk(chunks[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(CHUNK_CONCURRENCY, chunks.length) }, worker));
  failures.sort((a, b) => a.index - b.index);
  return { failures, calls, retriedEntries };
}

export interface KinesisOutputSinkOptions {
  /** The SDK client, with its own retries off (`createKinesisClient`): the retries are this file's. */
  readonly client: KinesisClient;
  readonly streamName: string;
  readonly retry?: Partial<RetryPolicy>;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly random?: () => number;
  readonly log?: LogSink;
}

/** {@link OutputSink} over {@link putRecordsReliably}. */
export class KinesisOutputSink implements OutputSink {
  constructor(private readonly options: KinesisOutputSinkOptions) {}

  async write(batch: OutputBatch, options: WriteOptions): Promise<readonly OutputFailure[]> {
    const { client, streamName, ...rest } = this.options;
    const report = await putRecordsReliably(client, streamName, batch.toRecords(), { ...rest, ...options });
    return report.failures;
  }
}
