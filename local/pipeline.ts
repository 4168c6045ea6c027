/**
 * The whole pipeline on one machine: local Kinesis and S3, the real handler behind a Lambda-like
 * event-source mapping, a replay of real rides, and the books kept on what came out.
 *
 * ```mermaid
 * flowchart LR
 *   rides[(TLC rides)] --> producer -->|PutRecords| input[[ride_events]]
 *   input -->|GetRecords per shard| esm[event-source mapping] -->|KinesisStreamEvent| handler
 *   handler -->|PutRecords| output[[ride_predictions]] --> reader
 *   handler -->|JSON lines| dlq[(s3://dead-letters)]
 *   models[(s3://models)] -->|cold start| handler
 * ```
 */
import { UnseenTally, type ContractSummary, type RideContract } from '../lambda/model/contract/index.js';
import { access } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { Context, KinesisStreamEvent } from 'aws-lambda';
import { detectRideFormat } from '../io/index.js';
import { createKinesisClient, createS3Client } from '../lambda/aws-clients.js';
import { DEFAULT_DEAD_LETTER_PREFIX, DEFAULT_SHADOW_PAIRS_PREFIX, ENV, readConfig } from '../lambda/config.js';
import { createHandler, type RideHandler } from '../lambda/handler.js';
import { dependenciesFromConfig } from '../lambda/environment.js';
import { errorText } from '../lambda/log-sink.js';
import type { ModelDescription } from '../lambda/model/types.js';
import { type Accounting, reconcile } from './accounting.js';
import { DEFAULT_BATCH_SIZE, DEFAULT_MODEL, DEFAULT_SAMPLE, LOCAL_CREDENTIALS } from './constants.js';
import { LocalPipelineError } from './errors.js';
import {
  type EventSourceMappingStats,
  type KinesisBatchFunction,
  LocalEventSourceMapping,
  type OnFailureRecord,
} from './event-source-mapping.js';
import { PredictionReader, readDeadLetters, readShadowPairs } from './observe.js';
import { compareShadow, type ShadowComparison } from './shadow-comparison.js';
import { loadReplay, produce } from './replay.js';
import { type LocalServices, startLocalServices } from './services.js';

/** Options of {@link runLocalPipeline} / {@link LocalPipeline.start}; the `npm start` flags. */
export interface LocalPipelineOptions {
  /** TLC rides to replay (parquet, CSV or JSON lines); default: the bundled February 2021 sample. */
  readonly input?: string;
  /** Rides to replay (default: all rides of the input). */
  readonly count?: number;
  /** Records per second put on the input stream (default: as fast as possible). */
  readonly rate?: number;
  /** Share of poison records mixed in, 0..1 (default 0). */
  readonly poison?: number;
  /** Seed of the poison placement (default 1). */
  readonly seed?: number;
  /** Event-source mapping BatchSize (default 100). */
  readonly batchSize?: number;
  /** MaximumBatchingWindow in ms (default 0). */
  readonly batchingWindowMs?: number;
  /** Shards of the input and output streams (default 1). */
  readonly shards?: number;
  /** Model file or MLflow folder (default `model-artifacts/lin_reg.bin`). */
  readonly model?: string;
  /** A candidate model scored in the shadow (`SHADOW_MODEL_LOCATION`); the summary then compares the two. */
  readonly shadowModel?: string;
  /** MaximumRetryAttempts of the mapping (default 3). */
  readonly maxRetries?: number;
  /** BisectBatchOnFunctionError (default true). */
  readonly bisect?: boolean;
  /** Function timeout, ms (default 60 000). */
  readonly functionTimeoutMs?: number;
  /** `RUN_ID` for the handler (default: the model's version id). */
  readonly runId?: string;
  /** Handler `LOG_LEVEL` (default `ERROR`: poison warnings would flood the terminal). */
  readonly logLevel?: string;
  /** Print the handler's EMF metrics on stdout (default false). */
  readonly metrics?: boolean;
  /** How long to wait for the records to be processed before giving up, ms (default 120 000, or 10 ms per record if more). */
  readonly waitTimeoutMs?: number;
  /** Wraps the real handler, e.g. to inject failures in tests. */
  readonly wrapHandler?: (handler: KinesisBatchFunction) => KinesisBatchFunction;
  /** Called about five times a second while records are in flight. */
  readonly onProgress?: (progress: PipelineProgress) => void;
}

/** A snapshot for progress bars. */
export interface PipelineProgress {
  readonly total: number;
  readonly produced: number;
  /** Records the mapping is done with (checkpointed or given up). */
  readonly processed: number;
  readonly predictionsRead: number;
}

/** The result of one replay. */
export interface PipelineSummary extends Accounting {
  /** True when every produced record is accounted for: valid → predicted, poison → dead-lettered. */
  readonly ok: boolean;
  /** Why not ok, for people. */
  readonly problems: readonly string[];
  readonly input: string;
  readonly modelLocation: string;
  readonly model: ModelDescription | undefined;
  /** What the model reads from a ride. */
  readonly contract: ContractSummary | undefined;
  /** Predicted rides with a one-hot value the model never saw, and a few of those values. */
  readonly unseen: { readonly rides: number; readonly sample: readonly string[] };
  readonly modelLoadMs: number | undefined;
  readonly shards: number;
  readonly batchSize: number;
  /** Records PutRecords refused even after retries. */
  readonly produceFailed: number;
  /** Batches the mapping gave up on (Lambda's on-failure destination). */
  readonly onFailure: readonly OnFailureRecord[];
  readonly mapping: EventSourceMappingStats;
  /** Records put per second while producing. */
  readonly produceRate: number;
  /** Records processed end to end per second: first put → last record processed. */
  readonly throughput: number;
  readonly durationMs: number;
  /** With a shadow model: both models against the actual durations, and their differences. */
  readonly shadow?: ShadowComparison;
}

/** What the pipeline learns of the model the handler loaded, and of the drift it meets. */
interface LoadedModelState {
  description?: ModelDescription;
  contract?: RideContract;
  loadMs?: number;
  error?: unknown;
  /** Drift over the run: every batch's unseen values. */
  readonly unseen: UnseenTally;
  shadow?: { description?: ModelDescription; contract?: RideContract; error?: unknown; scoringFailures: number };
}

/** Where the running services are, for `--keep-running` and the CLI. */
export interface PipelineEndpoints {
  readonly region: string;
  readonly kinesisEndpoint: string;
  readonly s3Endpoint: string;
  readonly inputStream: string;
  readonly outputStream: string;
  readonly modelLocation: string;
  readonly deadLetterBucket: string;
  readonly deadLetterPrefix: string;
  /** The handler's environment: the same variables as in AWS. */
  readonly environment: Readonly<Record<string, string>>;
}

/** Fallback: the output reader is given up on once it has read nothing new for this long. */
const OUTPUT_STALL_MS = 10_000;

const path = (location: string | URL): string => (location instanceof URL ? fileURLToPath(location) : location);

/**
 * A started local pipeline: services up, handler wired, mapping polling.
 *
 * @example
 * ```ts
 * const pipeline = await LocalPipeline.start({ shards: 2 });
 * try {
 *   const summary = await pipeline.replay();
 *   console.log(summary.predicted, summary.latencyMs?.p95);
 * } finally {
 *   await pipeline.stop();
 * }
 * ```
 */
export class LocalPipeline {
  private stopped: Promise<void> | undefined;

  private constructor(
    private readonly options: LocalPipelineOptions,
    readonly services: LocalServices,
    readonly endpoints: PipelineEndpoints,
    readonly handler: RideHandler,
    readonly mapping: LocalEventSourceMapping,
    private readonly reader: PredictionReader,
    private readonly model: LoadedModelState,
    private readonly release: () => void,
  ) {}

  /** Starts services, uploads the model, wires the real handler and starts the mapping. */
  static async start(options: LocalPipelineOptions = {}): Promise<LocalPipeline> {
    const modelPath = options.model ?? path(DEFAULT_MODEL);
    // Fail on a bad --input before anything is started.
    if (options.input !== undefined) {
      detectRideFormat(options.input);
      await access(options.input).catch((error: unknown) => {
        throw new LocalPipelineError(`cannot read --input ${options.input}: ${error instanceof Error ? error.message : String(error)}`);
      });
    }
    const services = await startLocalServices({
      shards: options.shards ?? 1,
      modelPath,
      ...(options.shadowModel === undefined ? {} : { shadowModelPath: options.shadowModel }),
    });
    try {
      const modelLocation = services.modelLocation ?? modelPath;
      const environment: Record<string, string> = {
        [ENV.predictionsStreamName]: services.outputStream.name,
        [ENV.modelLocation]: modelLocation,
        [ENV.kinesisEndpointUrl]: services.kinesisEndpoint,
        [ENV.s3EndpointUrl]: services.s3Endpoint,
        [ENV.deadLetterBucket]: services.deadLetterBucket,
        [ENV.deadLetterPrefix]: DEFAULT_DEAD_LETTER_PREFIX,
        [ENV.logLevel]: options.logLevel ?? 'ERROR',
        [ENV.region]: services.region,
        ...(options.runId === undefined ? {} : { [ENV.runId]: options.runId }),
        ...(services.shadowModelLocation === undefined ? {} : { [ENV.shadowModelLocation]: services.shadowModelLocation }),
      };
      // The handler's own wiring from its environment, as in AWS; only the credentials are local.
      const config = readConfig(environment);
      const kinesis = createKinesisClient({ endpoint: config.kinesisEndpointUrl, region: config.region, credentials: LOCAL_CREDENTIALS });
      const s3 = createS3Client({ endpoint: config.s3EndpointUrl, region: config.region, credentials: LOCAL_CREDENTIALS });
      const { metrics, shadowMetrics, ...deps } = dependenciesFromConfig(config, { kinesis, s3 });
      const model: LoadedModelState = { unseen: new UnseenTally(5) };
      const shadowState = deps.loadShadowModel === undefined ? undefined : { scoringFailures: 0 } as NonNullable<LoadedModelState['shadow']>;
      if (shadowState !== undefined) model.shadow = shadowState;
      const loadShadow = deps.loadShadowModel;
      const handler = createHandler({
        ...deps,
        ...(options.metrics ? { metrics, shadowMetrics } : {}),
        ...(loadShadow === undefined || shadowState === undefined
          ? {}
          : {
              loadShadowModel: async () => {
                try {
                  const loaded = await loadShadow();
                  shadowState.description = loaded.description;
                  shadowState.contract = loaded.contract;
                  shadowState.error = undefined;
                  return loaded;
                } catch (error) {
                  shadowState.error = error;
                  throw error;
                }
              },
            }),
        onOutcome: ({ unseen, shadow }) => {
          if (shadowState !== undefined) shadowState.scoringFailures += shadow?.failed ?? 0;
          model.unseen.merge(unseen);
        },
        loadModel: async () => {
          const started = performance.now();
          try {
            const loaded = await deps.loadModel();
            model.description = loaded.description;
            model.contract = loaded.contract;
            model.loadMs = Math.round(performance.now() - started);
            return loaded;
          } catch (error) {
            model.error = error;
            throw error;
          }
        },
      });
      // Lambda's init phase: load the model before the first batch arrives. Lambda would keep
      // retrying a model that cannot load; locally it is more useful to say so and stop.
      await handler.warmUp();
      if (model.description === undefined || model.contract === undefined) {
        const reason = errorText(model.error);
        throw new LocalPipelineError(`the handler cannot load the model ${modelLocation}: ${reason}`, { cause: model.error });
      }
      const invoke: KinesisBatchFunction = (event: KinesisStreamEvent, context: Context) => handler(event, context);
      const mapping = new LocalEventSourceMapping({
        kinesis: services.kinesis,
        streamName: services.inputStream.name,
        streamArn: services.inputStream.arn,
        handler: options.wrapHandler ? options.wrapHandler(invoke) : invoke,
        batchSize: options.batchSize ?? DEFAULT_BATCH_SIZE,
        batchingWindowMs: options.batchingWindowMs ?? 0,
        maximumRetryAttempts: options.maxRetries ?? 3,
        bisectBatchOnFunctionError: options.bisect ?? true,
        timeoutMs: options.functionTimeoutMs ?? 60_000,
        pollIntervalMs: 50,
      });
      const reader = new PredictionReader(services.kinesis, services.outputStream);
      await mapping.start();
      await reader.start();
      const endpoints: PipelineEndpoints = {
        region: services.region,
        kinesisEndpoint: services.kinesisEndpoint,
        s3Endpoint: services.s3Endpoint,
        inputStream: services.inputStream.name,
        outputStream: services.outputStream.name,
        modelLocation,
        deadLetterBucket: services.deadLetterBucket,
        deadLetterPrefix: config.deadLetterPrefix,
        environment,
      };
      const release = (): void => {
        kinesis.destroy();
        s3.destroy();
      };
      return new LocalPipeline(options, services, endpoints, handler, mapping, reader, model, release);
    } catch (error) {
      await services.stop().catch(() => undefined);
      throw error;
    }
  }

  /** Replays the input through the pipeline and reconciles what came out. */
  async replay(): Promise<PipelineSummary> {
    const options = this.options;
    const started = Date.now();
    const input = options.input ?? path(DEFAULT_SAMPLE);
    const records = await loadReplay(input, {
      contract: this.model.contract!,
      shadowContract: this.model.shadow?.contract,
      ...(options.count === undefined ? {} : { count: options.count }),
      poisonFraction: options.poison ?? 0,
      seed: options.seed ?? 1,
    });
    if (records.length === 0) throw new LocalPipelineError(`no rides in ${input}`);

    const producedAt = new Map<string, number>();
    const doneBefore = this.mapping.recordsDone;
    const predictionsBefore = this.reader.predictions.length;
    const progress = (): PipelineProgress => ({
      total: records.length,
      produced: producedAt.size,
      processed: this.mapping.recordsDone - doneBefore,
      predictionsRead: this.reader.predictions.length - predictionsBefore,
    });
    const ticker = options.onProgress ? setInterval(() => options.onProgress?.(progress()), 200) : undefined;
    const problems: string[] = [];
    let doneAt = Date.now();
    let report;
    try {
      report = await produce(this.services.kinesis, this.services.inputStream.name, records, {
        ...(options.rate === undefined ? {} : { rate: options.rate }),
        onProduced: (keys, at) => {
          for (const key of keys) producedAt.set(key, at);
        },
      });
      try {
        await this.mapping.waitForRecords(
          doneBefore + report.produced,
          options.waitTimeoutMs ?? Math.max(120_000, report.produced * 10),
        );
      } catch (error) {
        problems.push(error instanceof Error ? error.message : String(error));
      }
      doneAt = Date.now();
      await this.waitForOutput(doneAt);
    } finally {
      if (ticker) clearInterval(ticker);
      options.onProgress?.(progress());
    }

    const deadLetters = await readDeadLetters(this.services.s3, this.endpoints.deadLetterBucket, this.endpoints.deadLetterPrefix);
    const predictions = this.reader.predictions.slice(predictionsBefore);
    const accounting = reconcile(records, producedAt, predictions, deadLetters);
    const shadow = this.model.shadow;
    const shadowComparison =
      shadow === undefined
        ? undefined
        : compareShadow(records, predictions, await readShadowPairs(this.services.s3, this.endpoints.deadLetterBucket, DEFAULT_SHADOW_PAIRS_PREFIX), {
            location: this.services.shadowModelLocation ?? '',
            model: shadow.description,
            scoringFailures: shadow.scoringFailures,
            ...(shadow.error === undefined ? {} : { loadError: errorText(shadow.error) }),
          });
    if (report.failed.length > 0) problems.push(`${report.failed.length} record(s) could not be put on the input stream`);
    if (accounting.missing > 0) problems.push(`${accounting.missing} record(s) missing: neither predicted nor dead-lettered`);
    if (accounting.misrouted > 0) problems.push(`${accounting.misrouted} record(s) misrouted (valid ride dead-lettered or poison predicted)`);
    if (accounting.unexpected > 0) problems.push(`${accounting.unexpected} output(s) match no produced record`);
    if (this.reader.unreadable.length > 0) problems.push(`${this.reader.unreadable.length} output record(s) are not prediction events`);

    let firstProducedAt = Number.POSITIVE_INFINITY;
    let lastProducedAt = 0;
    for (const at of producedAt.values()) {
      firstProducedAt = Math.min(firstProducedAt, at);
      lastProducedAt = Math.max(lastProducedAt, at);
    }
    const seconds = (ms: number): number => Math.max(ms, 1) / 1000;
    return {
      ...accounting,
      ok: problems.length === 0,
      problems,
      input,
      modelLocation: this.endpoints.modelLocation,
      model: this.model.description,
      contract: this.model.contract?.summary,
      unseen: { rides: this.model.unseen.rides, sample: [...this.model.unseen.sample] },
      modelLoadMs: this.model.loadMs,
      shards: this.services.inputStream.shardIds.length,
      batchSize: options.batchSize ?? DEFAULT_BATCH_SIZE,
      produceFailed: report.failed.length,
      onFailure: [...this.mapping.failures],
      mapping: this.mapping.stats,
      produceRate: report.produced / seconds(lastProducedAt - firstProducedAt || report.durationMs),
      throughput: report.produced / seconds(doneAt - firstProducedAt),
      durationMs: Date.now() - started,
      ...(shadowComparison === undefined ? {} : { shadow: shadowComparison }),
    };
  }

  /**
   * Waits until the output reader has read everything the handler wrote before `doneAt` (its
   * pollers found nothing more), falling back to "nothing new read for a while".
   */
  private async waitForOutput(doneAt: number): Promise<void> {
    let read = this.reader.predictions.length;
    let lastProgress = Date.now();
    while (Date.now() - lastProgress < OUTPUT_STALL_MS) {
      const caughtUp = this.reader.caughtUpSince();
      if (caughtUp !== undefined && caughtUp >= doneAt) return;
      if (this.reader.predictions.length !== read) {
        read = this.reader.predictions.length;
        lastProgress = Date.now();
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  /** Stops the mapping, the reader and the services. Safe to call more than once. */
  stop(): Promise<void> {
    this.stopped ??= (async () => {
      await Promise.allSettled([this.mapping.stop(), this.reader.stop()]);
      this.release();
      await this.services.stop();
    })();
    return this.stopped;
  }
}

/**
 * Runs the embedded pipeline once: start, replay, reconcile, stop.
 *
 * @example
 * ```ts
 * const summary = await runLocalPipeline({ count: 2000, poison: 0.02 });
 * if (!summary.ok) console.error(summary.problems);
 * ```
 */
export async function runLocalPipeline(options: LocalPipelineOptions = {}): Promise<PipelineSummary> {
  const pipeline = await LocalPipeline.start(options);
  try {
    return await pipeline.replay();
  } finally {
    await pipeline.stop();
  }
}
