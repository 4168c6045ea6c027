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

/** One warm invocation of a prepared handler: wall and process CPU time. */
interface RunTimes {
  readonly ms: number;
  readonly cpuMs: number;
}

/** A handler with its model loaded and warmed up; `run` invokes it once on the event. */
interface PreparedHandler {
  readonly run: () => Promise<RunTimes>;
  readonly records: number;
  readonly model: LoadedModel['description'];
}

/**
 * The real handler on `options.event`, its model (and shadow) loaded as in Lambda's init phase.
 *
 * @throws from `run` when an invocation does not predict (or shadow) every record: the figure
 *   would be meaningless.
 */
async function prepareHandler(options: Omit<ThroughputOptions, 'warmupRuns' | 'runs'>): Promise<PreparedHandler> {
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
  const run = async (): Promise<RunTimes> => {
    const before = output.records;
    const bytesBefore = output.bytes;
    const pairsBefore = pairs.pairs;
    const cpu = process.cpuUsage();
    const started = performance.now();
    const response = await invoke(options.event, context);
    const ms = performance.now() - started;
    const used = process.cpuUsage(cpu);
    if (shadow !== undefined && pairs.pairs - pairsBefore !== records) throw new Error(`bench run did not shadow every record (${pairs.pairs - pairsBefore} of ${records})`);
    if (response.batchItemFailures.length > 0 || output.records - before !== records || output.bytes === bytesBefore) {
      throw new Error(`bench run did not predict every record (${output.records - before} of ${records})`);
    }
    return { ms, cpuMs: (used.user + used.system) / 1000 };
  };
  return { run, records, model: loaded.description };
}

function summarise(handler: PreparedHandler, times: readonly RunTimes[]): ThroughputResult {
  const runsMs = times.map((t) => t.ms);
  const medianMs = median(runsMs);
  const medianCpuMs = median(times.map((t) => t.cpuMs));
  const { records } = handler;
  return {
    recordsPerSecond: (records / medianMs) * 1000,
    medianMs,
    bestRecordsPerSecond: (records / Math.min(...runsMs)) * 1000,
    runsMs,
    recordsPerCpuSecond: (records / medianCpuMs) * 1000,
    medianCpuMs,
    records,
    model: handler.model,
  };
}

/**
 * Median records/s of warm invocations of the real handler on `event`.
 *
 * @throws when a run does not predict every record (the figure would be meaningless).
 */
export async function measureHandlerThroughput(options: ThroughputOptions): Promise<ThroughputResult> {
  const handler = await prepareHandler(options);
  for (let i = 0; i < options.warmupRuns; i += 1) await handler.run();
  const times: RunTimes[] = [];
  for (let i = 0; i < options.runs; i += 1) times.push(await handler.run());
  return summarise(handler, times);
}

export interface ShadowRatioResult {
  /** The runs with the shadow (the runs without it are the lin_reg figure's business). */
  readonly with: ThroughputResult;
  /** Median over the pairs of (time with the shadow / time without): each pair ran back to back. */
  readonly timeRatio: number;
  readonly cpuRatio: number;
}

/**
 * The cost of a shadow model: the same batch through a handler without and one with `shadowModel`,
 * run alternately, the ratio taken per pair of runs. Timed apart, the two medians could fall in the
 * host's two speeds (see BENCHMARKS.md) and their ratio would measure the host: 2.56 once, against
 * 1.3–1.9 on the same code.
 */
export async function measureShadowRatio(options: ThroughputOptions & { readonly shadowModel: string }): Promise<ShadowRatioResult> {
  const without = await prepareHandler({ model: options.model, event: options.event });
  const withShadow = await prepareHandler(options);
  for (let i = 0; i < options.warmupRuns; i += 1) {
    await without.run();
    await withShadow.run();
  }
  const alone: RunTimes[] = [];
  const shadowed: RunTimes[] = [];
  for (let i = 0; i < options.runs; i += 1) {
    alone.push(await without.run());
    shadowed.push(await withShadow.run());
  }
  return {
    with: summarise(withShadow, shadowed),
    timeRatio: median(shadowed.map((t, i) => t.ms / alone[i]!.ms)),
    cpuRatio: median(shadowed.map((t, i) => t.cpuMs / alone[i]!.cpuMs)),
  };
}
