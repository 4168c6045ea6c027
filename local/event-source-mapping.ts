/**
 * A local stand-in for Lambda's Kinesis event-source mapping (ESM): it polls every shard, builds
 * real-shaped `KinesisStreamEvent`s and invokes a handler the way the Lambda service does, including
 * the parts that decide what gets delivered twice or not at all:
 *
 * - one poller per shard, one invocation at a time per shard (ParallelizationFactor 1), so order
 *   within a shard is kept;
 * - batches of at most `batchSize` records and 6 MB, optionally held for a batching window;
 * - ReportBatchItemFailures: the shard's checkpoint moves to just before the lowest failed sequence
 *   number and the batch is re-delivered from there (records after it are delivered again too, which
 *   is why delivery is at-least-once);
 * - a thrown error (or a timeout) fails the whole batch; with BisectBatchOnFunctionError the batch is
 *   split in two and each half retried on its own, first half first (splits do not count as
 *   retries): a half that fails is split again, a half that succeeds is checkpointed and the other
 *   half follows alone, never merged with later records; full batches resume once every piece of
 *   the failed batch is checkpointed or given up;
 * - MaximumRetryAttempts bounds the retries of one batch; an exhausted batch is described to the
 *   on-failure destination (same payload shape as Lambda's) and skipped.
 */
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  GetRecordsCommand,
  type GetRecordsCommandOutput,
  GetShardIteratorCommand,
  type KinesisClient,
  ListShardsCommand,
  type _Record as KinesisApiRecord,
} from '@aws-sdk/client-kinesis';
import type {
  Context,
  KinesisStreamBatchResponse,
  KinesisStreamEvent,
  KinesisStreamRecord,
} from 'aws-lambda';
import { errorText } from '../lambda/log-sink.js';
import { quote } from '../lambda/quote.js';
import { createInvocationContext } from './invocation-context.js';
import { DEFAULT_BATCH_SIZE, LOCAL_FUNCTION_NAME, LOCAL_REGION, MAX_EVENT_BYTES } from './constants.js';
import { EventSourceMappingError } from './errors.js';

export { createInvocationContext };

/** What the mapping invokes: the Lambda handler's signature. */
export type KinesisBatchFunction = (
  event: KinesisStreamEvent,
  context: Context,
) => Promise<KinesisStreamBatchResponse | void | undefined>;

/** Where a Kinesis ESM starts reading a shard. */
export type StartingPosition = 'TRIM_HORIZON' | 'LATEST';

/** Why a batch went to the on-failure destination (Lambda's `requestContext.condition`). */
export type FailureCondition = 'RetryAttemptsExhausted';

/** The on-failure destination's payload, shaped like Lambda's for Kinesis sources. */
export interface OnFailureRecord {
  readonly version: '1.0';
  readonly timestamp: string;
  readonly requestContext: {
    readonly requestId: string;
    readonly functionArn: string;
    readonly condition: FailureCondition;
    readonly approximateInvokeCount: number;
  };
  readonly responseContext: {
    readonly statusCode: number;
    readonly executedVersion: string;
    /** `Unhandled` for a thrown error or timeout; absent when the batch failed partially. */
    readonly functionError?: string;
  };
  readonly KinesisBatchInfo: {
    readonly shardId: string;
    readonly startSequenceNumber: string;
    readonly endSequenceNumber: string;
    readonly approximateArrivalOfFirstRecord: string;
    readonly approximateArrivalOfLastRecord: string;
    readonly batchSize: number;
    readonly streamArn: string;
  };
  /** Not in Lambda's payload (it only names the range); kept so local runs can account for every record. */
  readonly records: readonly KinesisStreamRecord[];
  /** The last error message, for the local summary. */
  readonly lastError: string;
}

/** One finished invocation, reported to {@link EventSourceMappingOptions.onInvocation}. */
export interface InvocationReport {
  readonly shardId: string;
  readonly requestId: string;
  readonly batchSize: number;
  readonly durationMs: number;
  readonly outcome: 'success' | 'partial-failure' | 'function-error';
  /** Records checkpointed by this invocation. */
  readonly checkpointed: number;
  readonly error?: string;
}

/** Counters of a mapping, all since start(). */
export interface EventSourceMappingStats {
  readonly invocations: number;
  readonly recordsDelivered: number;
  readonly recordsCheckpointed: number;
  readonly partialFailures: number;
  readonly functionErrors: number;
  readonly retries: number;
  readonly bisections: number;
  readonly batchesSentToOnFailure: number;
  readonly recordsSentToOnFailure: number;
  /** GetRecords calls that failed (the poller waits and tries again). */
  readonly pollErrors: number;
}

/** Options of {@link LocalEventSourceMapping}; names follow the ESM's own settings. */
export interface EventSourceMappingOptions {
  readonly kinesis: KinesisClient;
  readonly streamName: string;
  /** ARN put in every record's `eventSourceARN`. */
  readonly streamArn: string;
  readonly handler: KinesisBatchFunction;
  /** BatchSize (default 100, Lambda's default for Kinesis). */
  readonly batchSize?: number;
  /** MaximumBatchingWindowInSeconds, in ms (default 0: invoke as soon as records are read). */
  readonly batchingWindowMs?: number;
  /** StartingPosition (default TRIM_HORIZON). */
  readonly startingPosition?: StartingPosition;
  /** FunctionResponseTypes includes ReportBatchItemFailures (default true). */
  readonly reportBatchItemFailures?: boolean;
  /** BisectBatchOnFunctionError (default true). */
  readonly bisectBatchOnFunctionError?: boolean;
  /** MaximumRetryAttempts (default 3; -1 retries until the records expire, i.e. forever here). */
  readonly maximumRetryAttempts?: number;
  /** Function timeout: the context's deadline, and a batch whose invocation exceeds it fails (default 60 s). */
  readonly timeoutMs?: number;
  /** Pause between polls of an empty shard (default 100 ms; Lambda polls about once a second). */
  readonly pollIntervalMs?: number;
  readonly functionName?: string;
  readonly region?: string;
  /** On-failure destination; exhausted batches are also kept in {@link LocalEventSourceMapping.failures}. */
  readonly onFailure?: (record: OnFailureRecord) => void | Promise<void>;
  readonly onInvocation?: (report: InvocationReport) => void;
  /** Errors outside invocations (GetRecords failing); the poller keeps trying. Default: ignored. */
  readonly onPollError?: (error: unknown, shardId: string) => void;
}

/** What a shard's poller keeps between steps. */
interface ShardState {
  readonly shardId: string;
  iterator: string | undefined;
  /** Records read and not yet checkpointed or given up, in order; batches are taken from its head. */
  readonly buffer: KinesisStreamRecord[];
  bufferedSince: number;
  /**
   * Sizes of the pieces a bisected batch was split into, in delivery order, from the head of the
   * buffer; empty when full batches are taken.
   */
  readonly pieces: number[];
  /** Failed attempts of the batch (or piece) at the head of the buffer. */
  attempts: number;
}

type Outcome =
  | { readonly kind: 'success' }
  | { readonly kind: 'partial'; readonly failedIndex: number; readonly message: string }
  | { readonly kind: 'error'; readonly message: string };

/** Turns one GetRecords record into the record Lambda delivers. */
export function toLambdaRecord(
  record: KinesisApiRecord,
  shardId: string,
  streamArn: string,
  region: string,
): KinesisStreamRecord {
  const sequenceNumber = record.SequenceNumber ?? '';
  const arrival = record.ApproximateArrivalTimestamp ?? new Date();
  return {
    kinesis: {
      kinesisSchemaVersion: '1.0',
      partitionKey: record.PartitionKey ?? '',
      sequenceNumber,
      data: Buffer.from(record.Data ?? new Uint8Array()).toString('base64'),
      approximateArrivalTimestamp: arrival.getTime() / 1000,
    },
    eventSource: 'aws:kinesis',
    eventVersion: '1.0',
    eventID: `${shardId}:${sequenceNumber}`,
    eventName: 'aws:kinesis:record',
    invokeIdentityArn: `arn:aws:iam::000000000000:role/${LOCAL_FUNCTION_NAME}-role`,
    awsRegion: region,
    eventSourceARN: streamArn,
  };
}

function approximateSize(record: KinesisStreamRecord): number {
  // The event is JSON; record metadata adds a few hundred bytes to the base64 payload.
  return record.kinesis.data.length + 400;
}

/**
 * A running local Kinesis event-source mapping.
 *
 * @example
 * ```ts
 * const esm = new LocalEventSourceMapping({ kinesis, streamName, streamArn, handler, batchSize: 100 });
 * await esm.start();
 * await esm.waitForRecords(2000, 30_000); // checkpointed or sent to the on-failure destination
 * await esm.stop();
 * console.log(esm.stats, esm.failures);
 * ```
 */
export class LocalEventSourceMapping {
  /** Exhausted batches, in the order they were given up. */
  readonly failures: OnFailureRecord[] = [];

  private readonly options: Required<
    Omit<EventSourceMappingOptions, 'onFailure' | 'onInvocation' | 'onPollError'>
  > &
    Pick<EventSourceMappingOptions, 'onFailure' | 'onInvocation' | 'onPollError'>;
  private readonly counters = {
    invocations: 0,
    recordsDelivered: 0,
    recordsCheckpointed: 0,
    partialFailures: 0,
    functionErrors: 0,
    retries: 0,
    bisections: 0,
    batchesSentToOnFailure: 0,
    recordsSentToOnFailure: 0,
    pollErrors: 0,
  };
  private readonly abort = new AbortController();
  private pollers: Promise<void>[] = [];
  private progressWaiters: (() => void)[] = [];
  /** Per shard: start time of the latest GetRecords that found nothing new while nothing was pending. */
  private readonly idleFrom = new Map<string, number | undefined>();
  private started = false;

  constructor(options: EventSourceMappingOptions) {
    const batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE;
    if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 10_000) {
      throw new EventSourceMappingError(`batchSize must be an integer in 1..10000, got ${batchSize}`);
    }
    const maximumRetryAttempts = options.maximumRetryAttempts ?? 3;
    if (!Number.isInteger(maximumRetryAttempts) || maximumRetryAttempts < -1) {
      throw new EventSourceMappingError(`maximumRetryAttempts must be -1 or a non-negative integer, got ${maximumRetryAttempts}`);
    }
    this.options = {
      batchingWindowMs: 0,
      startingPosition: 'TRIM_HORIZON',
      reportBatchItemFailures: true,
      bisectBatchOnFunctionError: true,
      timeoutMs: 60_000,
      pollIntervalMs: 100,
      functionName: LOCAL_FUNCTION_NAME,
      region: LOCAL_REGION,
      ...options,
      batchSize,
      maximumRetryAttempts,
    };
  }

  /** Counters so far (a snapshot). */
  get stats(): EventSourceMappingStats {
    return { ...this.counters };
  }

  /** Records that left the stream's care: checkpointed after an invocation, or given up. */
  get recordsDone(): number {
    return this.counters.recordsCheckpointed + this.counters.recordsSentToOnFailure;
  }

  /**
   * The time since which every shard is known to be fully delivered: each poller's latest
   * GetRecords started at or after it found no new records and had nothing left to deliver.
   * `undefined` while any shard is behind. Everything written to the stream before this time has
   * been handed to the function.
   */
  caughtUpSince(): number | undefined {
    let since = Number.POSITIVE_INFINITY;
    for (const idle of this.idleFrom.values()) {
      if (idle === undefined) return undefined;
      since = Math.min(since, idle);
    }
    return this.idleFrom.size === 0 ? undefined : since;
  }

  /** Lists the shards and starts one poller per shard. */
  async start(): Promise<void> {
    if (this.started) throw new EventSourceMappingError('already started');
    this.started = true;
    const { Shards = [] } = await this.options.kinesis.send(
      new ListShardsCommand({ StreamName: this.options.streamName }),
    );
    const shardIds = Shards.flatMap((shard) => (shard.ShardId ? [shard.ShardId] : []));
    if (shardIds.length === 0) throw new EventSourceMappingError(`stream ${this.options.streamName} has no shards`);
    const iterators = await Promise.all(
      shardIds.map(async (shardId) => {
        const { ShardIterator } = await this.options.kinesis.send(
          new GetShardIteratorCommand({
            StreamName: this.options.streamName,
            ShardId: shardId,
            ShardIteratorType: this.options.startingPosition,
          }),
        );
        if (!ShardIterator) throw new EventSourceMappingError(`no shard iterator for ${shardId}`);
        return ShardIterator;
      }),
    );
    for (const shardId of shardIds) this.idleFrom.set(shardId, undefined);
    this.pollers = shardIds.map((shardId, i) => this.pollShard(shardId, iterators[i] ?? ''));
  }

  /**
   * Resolves once `count` records are done (checkpointed or sent to the on-failure destination),
   * or rejects after `timeoutMs`.
   */
  async waitForRecords(count: number, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.recordsDone < count) {
      const remaining = deadline - Date.now();
      if (remaining <= 0) {
        throw new EventSourceMappingError(`timed out: ${this.recordsDone} of ${count} records processed`);
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(remaining, 1000));
        this.progressWaiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** Stops polling; waits for invocations in flight to finish. Safe to call more than once. */
  async stop(): Promise<void> {
    this.abort.abort();
    await Promise.allSettled(this.pollers);
    this.notifyProgress();
  }

  private notifyProgress(): void {
    const waiters = this.progressWaiters;
    this.progressWaiters = [];
    for (const wake of waiters) wake();
  }

  private get stopped(): boolean {
    return this.abort.signal.aborted;
  }

  private async pause(ms: number): Promise<void> {
    await sleep(ms, undefined, { signal: this.abort.signal }).catch(() => undefined);
  }

  private async pollShard(shardId: string, firstIterator: string): Promise<void> {
    const shard: ShardState = { shardId, iterator: firstIterator, buffer: [], bufferedSince: 0, pieces: [], attempts: 0 };
    while (!this.stopped) {
      const polled = await this.fill(shard);
      if (polled === 'error') continue;
      if (shard.buffer.length === 0) {
        if (!shard.iterator) break; // shard closed and drained
        await this.pause(this.options.pollIntervalMs);
        continue;
      }
      if (this.batchingWindowOpen(shard)) {
        if (polled === 'empty') await this.pause(Math.min(this.options.pollIntervalMs, this.options.batchingWindowMs));
        continue;
      }
      const batch = this.nextBatch(shard);
      const outcome = await this.invoke(shardId, batch);
      await this.settle(shard, batch, outcome);
      if (shard.buffer.length === 0) shard.bufferedSince = Date.now();
      this.notifyProgress();
      if (outcome.kind !== 'success') await this.pause(Math.min(1000, 20 * shard.attempts));
    }
  }

  /** Step 1: reads the shard when the buffer holds less than a batch; says whether it found records. */
  private async fill(shard: ShardState): Promise<'records' | 'empty' | 'skipped' | 'error'> {
    const { kinesis, streamArn, region, batchSize, pollIntervalMs } = this.options;
    if (shard.buffer.length >= batchSize || !shard.iterator) return 'skipped';
    const pollStarted = Date.now();
    try {
      const response: GetRecordsCommandOutput = await kinesis.send(
        new GetRecordsCommand({ ShardIterator: shard.iterator, Limit: 10_000 }),
        { abortSignal: this.abort.signal },
      );
      shard.iterator = response.NextShardIterator;
      const records = response.Records ?? [];
      if (records.length > 0 && shard.buffer.length === 0) shard.bufferedSince = Date.now();
      for (const record of records) shard.buffer.push(toLambdaRecord(record, shard.shardId, streamArn, region));
      const empty = records.length === 0;
      this.idleFrom.set(shard.shardId, empty && shard.buffer.length === 0 ? pollStarted : undefined);
      return empty ? 'empty' : 'records';
    } catch (error) {
      if (this.stopped) return 'error';
      this.counters.pollErrors += 1;
      this.options.onPollError?.(error, shard.shardId);
      await this.pause(pollIntervalMs);
      return 'error';
    }
  }

  /** Step 2: whether to wait for more records (MaximumBatchingWindow) before invoking. */
  private batchingWindowOpen(shard: ShardState): boolean {
    const { batchSize, batchingWindowMs } = this.options;
    // The pieces of a bisected batch are due now: the window was spent on the batch itself.
    if (shard.pieces.length > 0) return false;
    return shard.buffer.length < batchSize && Date.now() - shard.bufferedSince < batchingWindowMs && shard.iterator !== undefined;
  }

  /** Step 3: the next batch: the first piece of a bisected batch, else up to batchSize records and 6 MB. */
  private nextBatch(shard: ShardState): KinesisStreamRecord[] {
    const piece = shard.pieces[0];
    return piece !== undefined ? shard.buffer.slice(0, piece) : this.takeBatch(shard.buffer, this.options.batchSize);
  }

  /** Step 4: checkpoints, retries, bisects or gives up, as the outcome of `batch` (the head of the buffer) says. */
  private async settle(shard: ShardState, batch: readonly KinesisStreamRecord[], outcome: Outcome): Promise<void> {
    const { buffer } = shard;
    if (outcome.kind === 'success') {
      this.checkpoint(shard, batch.length);
      shard.pieces.shift();
      shard.attempts = 0;
    } else if (outcome.kind === 'partial') {
      // Checkpoint everything before the lowest failed sequence number; re-deliver from it (within
      // its piece, when the batch was one).
      this.checkpoint(shard, outcome.failedIndex);
      if (shard.pieces.length > 0) shard.pieces[0] = batch.length - outcome.failedIndex;
      shard.attempts = outcome.failedIndex > 0 ? 1 : shard.attempts + 1;
      if (this.exhausted(shard.attempts)) {
        await this.giveUp(shard.shardId, buffer.splice(0, batch.length - outcome.failedIndex), shard.attempts, outcome.message, false);
        shard.pieces.shift();
        shard.attempts = 0;
      } else {
        this.counters.retries += 1;
      }
    } else if (this.options.bisectBatchOnFunctionError && batch.length > 1) {
      // The failed batch (or piece) becomes two pieces, delivered in order, each on its own.
      const first = Math.ceil(batch.length / 2);
      shard.pieces.splice(0, shard.pieces.length > 0 ? 1 : 0, first, batch.length - first);
      shard.attempts = 0;
      this.counters.bisections += 1;
    } else {
      shard.attempts += 1;
      if (this.exhausted(shard.attempts)) {
        await this.giveUp(shard.shardId, buffer.splice(0, batch.length), shard.attempts, outcome.message, true);
        shard.pieces.shift();
        shard.attempts = 0;
      } else {
        // Retried as it was, the same records alone (a piece stays the head piece).
        if (shard.pieces.length === 0) shard.pieces.push(batch.length);
        this.counters.retries += 1;
      }
    }
  }

  private checkpoint(shard: ShardState, count: number): void {
    shard.buffer.splice(0, count);
    this.counters.recordsCheckpointed += count;
  }

  private exhausted(attempts: number): boolean {
    const max = this.options.maximumRetryAttempts;
    // attempts counts failed invocations; the first one is not a retry.
    return max >= 0 && attempts > max;
  }

  private takeBatch(buffer: readonly KinesisStreamRecord[], limit: number): KinesisStreamRecord[] {
    const batch: KinesisStreamRecord[] = [];
    let bytes = 0;
    for (const record of buffer) {
      if (batch.length >= limit) break;
      const size = approximateSize(record);
      if (batch.length > 0 && bytes + size > MAX_EVENT_BYTES) break;
      batch.push(record);
      bytes += size;
    }
    return batch;
  }

  private async invoke(shardId: string, batch: readonly KinesisStreamRecord[]): Promise<Outcome> {
    const { handler, functionName, region, timeoutMs, reportBatchItemFailures } = this.options;
    const context = createInvocationContext(functionName, region, timeoutMs);
    const event: KinesisStreamEvent = { Records: [...batch] };
    this.counters.invocations += 1;
    this.counters.recordsDelivered += batch.length;
    const started = Date.now();
    let outcome: Outcome;
    let timer: NodeJS.Timeout | undefined;
    try {
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new EventSourceMappingError(`Task timed out after ${(timeoutMs / 1000).toFixed(2)} seconds`)),
          timeoutMs,
        );
      });
      const response: KinesisStreamBatchResponse | void | undefined = await Promise.race([
        handler(event, context),
        timeout,
      ]);
      outcome = reportBatchItemFailures ? interpretResponse(batch, response) : { kind: 'success' };
    } catch (error) {
      outcome = { kind: 'error', message: errorText(error) };
    } finally {
      clearTimeout(timer);
    }
    if (outcome.kind === 'error') this.counters.functionErrors += 1;
    if (outcome.kind === 'partial') this.counters.partialFailures += 1;
    this.options.onInvocation?.({
      shardId,
      requestId: context.awsRequestId,
      batchSize: batch.length,
      durationMs: Date.now() - started,
      outcome: outcome.kind === 'partial' ? 'partial-failure' : outcome.kind === 'error' ? 'function-error' : 'success',
      checkpointed: outcome.kind === 'success' ? batch.length : outcome.kind === 'partial' ? outcome.failedIndex : 0,
      ...(outcome.kind === 'success' ? {} : { error: outcome.message }),
    });
    return outcome;
  }

  private async giveUp(
    shardId: string,
    records: readonly KinesisStreamRecord[],
    attempts: number,
    lastError: string,
    functionError: boolean,
  ): Promise<void> {
    const first = records[0];
    const last = records.at(-1);
    if (!first || !last) return;
    const arrival = (record: KinesisStreamRecord): string =>
      new Date(record.kinesis.approximateArrivalTimestamp * 1000).toISOString();
    const failure: OnFailureRecord = {
      version: '1.0',
      timestamp: new Date().toISOString(),
      requestContext: {
        requestId: randomUUID(),
        functionArn: `arn:aws:lambda:${this.options.region}:000000000000:function:${this.options.functionName}`,
        condition: 'RetryAttemptsExhausted',
        approximateInvokeCount: attempts,
      },
      responseContext: {
        statusCode: 200,
        executedVersion: '$LATEST',
        ...(functionError ? { functionError: 'Unhandled' } : {}),
      },
      KinesisBatchInfo: {
        shardId,
        startSequenceNumber: first.kinesis.sequenceNumber,
        endSequenceNumber: last.kinesis.sequenceNumber,
        approximateArrivalOfFirstRecord: arrival(first),
        approximateArrivalOfLastRecord: arrival(last),
        batchSize: records.length,
        streamArn: this.options.streamArn,
      },
      records,
      lastError,
    };
    this.failures.push(failure);
    this.counters.batchesSentToOnFailure += 1;
    this.counters.recordsSentToOnFailure += records.length;
    await this.options.onFailure?.(failure);
  }
}

/**
 * Reads a handler response the way the ESM does with ReportBatchItemFailures: an empty or absent
 * list is success; an identifier that is missing, empty or not in the batch fails the whole batch
 * (re-delivered from its first record).
 */
function interpretResponse(
  batch: readonly KinesisStreamRecord[],
  response: KinesisStreamBatchResponse | void | undefined,
): Outcome {
  const failures = response?.batchItemFailures ?? [];
  if (failures.length === 0) return { kind: 'success' };
  const positions = new Map(batch.map((record, index) => [record.kinesis.sequenceNumber, index]));
  let lowest = Number.POSITIVE_INFINITY;
  for (const failure of failures) {
    const index = failure.itemIdentifier ? positions.get(failure.itemIdentifier) : undefined;
    if (index === undefined) {
      // Lambda retries the entire batch; it is not a function error, so it is not bisected.
      return {
        kind: 'partial',
        failedIndex: 0,
        message: `batchItemFailures names ${failure.itemIdentifier === undefined ? 'no itemIdentifier' : quote(String(failure.itemIdentifier))}, not a sequence number of this batch`,
      };
    }
    lowest = Math.min(lowest, index);
  }
  return {
    kind: 'partial',
    failedIndex: lowest,
    message: `${failures.length} record(s) reported in batchItemFailures`,
  };
}
