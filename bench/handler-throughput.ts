/**
 * The handler's CPU path: decode, validate, features, predict and serialise the output, through the
 * real `createHandler` → `processBatch`, with the output sink stubbed by one that stores nothing.
 *
 * Everything but the network is real: the Kinesis sink's `PutRecords` is the only part left out,
 * so the figure is the per-record cost a batch pays before its I/O.
 */
import type { Context, KinesisStreamEvent } from 'aws-lambda';
import { createHandler } from '../lambda/handler.js';
import { loadModel } from '../lambda/model/index.js';
import type { LoadedModel } from '../lambda/model/types.js';
import { pairsToJsonLines } from '../lambda/shadow/s3-pairs.js';
import type { ShadowPair, ShadowPairSink } from '../lambda/shadow/types.js';
import { chunkRecords, putRecordsEntries } from '../lambda/sinks/kinesis.js';
import { MemoryDeadLetterSink } from '../lambda/sinks/memory.js';
import type { OutputBatch } from '../lambda/sinks/output-batch.js';
import type { OutputFailure, OutputSink } from '../lambda/sinks/types.js';
import { median } from './stats.js';

/**
 * Accepts every record and keeps nothing. It does what the Kinesis sink does before its calls (the
 * batch's bytes, cut into `PutRecords` chunks of entries) and skips the network.
 */
class NullOutputSink implements OutputSink {
  records = 0;
  bytes = 0;

  async write(batch: OutputBatch): Promise<readonly OutputFailure[]> {
    const records = batch.toRecords();
    for (const chunk of chunkRecords(records)) {
      for (const entry of putRecordsEntries(records, chunk)) this.bytes += entry.Data!.byteLength;
    }
    this.records += batch.length;
    return [];
  }
}

/** Serialises the pairs as the S3 sink would and keeps nothing: the network is skipped. */
class NullPairSink implements ShadowPairSink {
  pairs = 0;

  async write(pairs: readonly ShadowPair[]): Promise<void> {
    this.pairs += pairs.length;
    if (pairsToJsonLines(pairs).length === 0) throw new Error('no pairs serialised');
  }
}

/** A Lambda context with a generous deadline (no sink ever waits on it here). */
function benchContext(): Context {
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName: 'bench',
    functionVersion: '$LATEST',
    invokedFunctionArn: 'arn:aws:lambda:us-east-1:000000000000:function:bench',
    memoryLimitInMB: '512',
    awsRequestId: 'bench',
    logGroupName: '/aws/lambda/bench',
    logStreamName: 'bench',
    getRemainingTimeInMillis: () => 60_000,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

export interface ThroughputOptions {
  /** Model file or MLflow folder. */
  readonly model: string;
  /** A shadow model scoring every ride beside `model`, its pairs serialised but not sent. */
  readonly shadowModel?: string;
  readonly event: KinesisStreamEvent;
  /** Untimed runs first, so the JIT has compiled the hot path. */
  readonly warmupRuns: number;
  readonly runs: number;
}

export interface ThroughputResult {
  readonly recordsPerSecond: number;
  readonly medianMs: number;
  readonly runsMs: readonly number[];
  /** Records/s of the fastest run: the least disturbed by other processes on a busy machine. */
  readonly bestRecordsPerSecond: number;
  /** Records per second of process CPU time (user + system, all threads): robust to a busy machine. */
  readonly recordsPerCpuSecond: number;
  readonly medianCpuMs: number;
  readonly records: number;
  readonly model: LoadedModel['description'];
}

/**
 * Median records/s of warm invocations of the real handler on `event`.
 *
 * @throws when a run does not predict every record (the figure would be meaningless).
 */
export async function measureHandlerThroughput(options: ThroughputOptions): Promise<ThroughputResult> {
  const loaded = await loadModel(options.model);
  const shadow = options.shadowModel === undefined ? undefined : await loadModel(options.shadowModel);
  const output = new NullOutputSink();
  const pairs = new NullPairSink();
  const invoke = createHandler({
    loadModel: async () => loaded,
    runId: 'bench',
    output,
    deadLetters: new MemoryDeadLetterSink(),
    ...(shadow === undefined ? {} : { loadShadowModel: async () => shadow, shadowPairs: pairs }),
  });
  // Lambda's init phase: the model (and a shadow) loaded before the first batch.
  await invoke.warmUp();
  const context = benchContext();
  const records = options.event.Records.length;

  const cpuMs: number[] = [];
  const run = async (): Promise<number> => {
    const before = output.records;
    const bytesBefore = output.bytes;
    const pairsBefore = pairs.pairs;
    const cpu = process.cpuUsage();
    const started = performance.now();
    const response = await invoke(options.event, context);
    const elapsed = performance.now() - started;
    const used = process.cpuUsage(cpu);
    cpuMs.push((used.user + used.system) / 1000);
    if (shadow !== undefined && pairs.pairs - pairsBefore !== records) throw new Error(`bench run did not shadow every record (${pairs.pairs - pairsBefore} of ${records})`);
    if (response.batchItemFailures.length > 0 || output.records - before !== records || output.bytes === bytesBefore) {
      throw new Error(`bench run did not predict every record (${output.records - before} of ${records})`);
    }
    return elapsed;
  };

  for (let i = 0; i < options.warmupRuns; i += 1) await run();
  cpuMs.length = 0;
  const runsMs: number[] = [];
  for (let i = 0; i < options.runs; i += 1) runsMs.push(await run());
  const medianMs = median(runsMs);
  const medianCpuMs = median(cpuMs);
  return {
    recordsPerSecond: (records / medianMs) * 1000,
    medianMs,
    bestRecordsPerSecond: (records / Math.min(...runsMs)) * 1000,
    runsMs,
    recordsPerCpuSecond: (records / medianCpuMs) * 1000,
    medianCpuMs,
    records,
    model: loaded.description,
  };
}
