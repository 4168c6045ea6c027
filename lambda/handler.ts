/**
 * Lambda entry point: configuration → model (once per container) → {@link processBatch} → response.
 *
 * The handler is a thin adapter; {@link createHandler} builds one from explicit dependencies so that
 * tests, the local pipeline and the CLI's `invoke` run exactly this code with their own sinks, and
 * `handler` is `createHandler` wired from the environment.
 *
 * ## Delivery guarantees
 * - A record is acknowledged only once its prediction is written (or, for poison, its dead letter
 *   stored). Anything else is reported in `batchItemFailures`.
 * - Lambda resumes from the *lowest* failed sequence number, so records after it are delivered
 *   again: at-least-once; consumers de-duplicate on `prediction.ride_id` + `version`.
 * - If the model cannot be loaded the invocation throws: the whole batch is retried, nothing is
 *   acknowledged without a prediction. The failed load is not cached; the next invocation tries again.
 */
import type { Context, KinesisStreamBatchResponse, KinesisStreamEvent } from 'aws-lambda';
import type { Metrics } from '@aws-lambda-powertools/metrics';
import type { KinesisClient } from '@aws-sdk/client-kinesis';
import type { S3Client } from '@aws-sdk/client-s3';
import { processBatch, type BatchOutcome } from './batch.js';
import { ConfigError, DEFAULT_REGION, ENV, readConfig, type HandlerConfig } from './config.js';
import { loadConfiguredModel } from './model-loading.js';
import { signedS3ClientFor } from './model-prefetch.js';
import type { PrefetchedModel, S3ObjectReader } from './model/locate.js';
import type { LoadedModel } from './model/types.js';
import { createLogger, createMetrics, METRIC, MetricUnit, silentLog, type LogSink } from './observability.js';
import type { PredictionEvent } from './ride/prediction.js';
import { SignedKinesisWriter } from './signed-kinesis-writer.js';
import type { SignedS3Client } from './signed-s3-client.js';
import { Deferred, DeferredDeadLetterSink, DeferredOutputSink } from './sinks/deferred.js';
import { S3DeadLetterSink } from './sinks/dead-letter.js';
import { KinesisOutputSink } from './sinks/kinesis.js';
import { LogDeadLetterSink } from './sinks/log.js';
import { MemoryDeadLetterSink } from './sinks/memory.js';
import type { DeadLetter, DeadLetterSink, OutputSink } from './sinks/types.js';

/** The SDK-backed parts, a chunk of the bundle of their own (see `aws-parts.ts`). */
type AwsParts = typeof import('./aws-parts.js');

/**
 * Time kept back from the invocation's remaining time for everything after the sinks (metrics,
 * the response): output retries stop this long before the deadline.
 */
export const DEFAULT_SAFETY_MARGIN_MS = 1_000;

/** What a handler needs; {@link dependenciesFromConfig} builds it from the environment. */
export interface HandlerDependencies {
  /** Loads the model. Called once per container; called again only after a failure. */
  readonly loadModel: () => Promise<LoadedModel>;
  /** `version` of the output events; default: the model's version id. */
  readonly runId?: string | undefined;
  /** Output stream; `undefined` gives `TEST_RUN` semantics (nothing written, predictions returned). */
  readonly output: OutputSink | undefined;
  readonly deadLetters: DeadLetterSink;
  /** Powertools `Logger` or any {@link LogSink}; `addContext` is called per invocation when present. */
  readonly logger?: LogSink & { addContext?: (context: Context) => void };
  /** Powertools `Metrics`; flushed at the end of every invocation. */
  readonly metrics?: Metrics;
  readonly safetyMarginMs?: number;
  /**
   * Work to overlap with the model load at init (`warmUp`), e.g. loading the output sink's code
   * while the model download waits on the network.
   */
  readonly prepare?: () => Promise<unknown>;
  /** Sees every batch's outcome (the local pipeline's summary counts drift with it). */
  readonly onOutcome?: (outcome: BatchOutcome) => void;
}

/** The Lambda response; under `TEST_RUN` (no output sink) also the predictions and dead letters. */
export interface RideHandlerResponse extends KinesisStreamBatchResponse {
  predictions?: PredictionEvent[];
  deadLetters?: DeadLetter[];
}

export interface RideHandler {
  (event: KinesisStreamEvent, context: Context): Promise<RideHandlerResponse>;
  /** Starts loading the model now (Lambda init phase); a failure is logged and retried on invoke. */
  warmUp(): Promise<void>;
}

/** The model could not be loaded; the batch is failed as a whole so Lambda retries it. */
export class ModelUnavailableError extends Error {
  override readonly name = 'ModelUnavailableError';
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

function publishMetrics(metrics: Metrics, { counts, unseen }: BatchOutcome, modelLoadMs: number | undefined): void {
  metrics.addMetric(METRIC.recordsIn, MetricUnit.Count, counts.in);
  metrics.addMetric(METRIC.recordsPredicted, MetricUnit.Count, counts.predicted);
  metrics.addMetric(METRIC.recordsDeadLettered, MetricUnit.Count, counts.deadLettered);
  metrics.addMetric(METRIC.outputWriteFailures, MetricUnit.Count, counts.outputFailed);
  metrics.addMetric(METRIC.deadLetterWriteFailures, MetricUnit.Count, counts.deadLetterFailed);
  metrics.addMetric(METRIC.unseenFeatureValues, MetricUnit.Count, unseen.rides);
  const scored = counts.predicted + counts.outputFailed;
  if (scored > 0) metrics.addMetric(METRIC.unseenFeatureShare, MetricUnit.Percent, (100 * unseen.rides) / scored);
  if (modelLoadMs !== undefined) metrics.addMetric(METRIC.modelLoadMs, MetricUnit.Milliseconds, modelLoadMs);
  metrics.publishStoredMetrics();
}

/**
 * Builds a Kinesis handler from explicit dependencies.
 *
 * @example
 * ```ts
 * const invoke = createHandler({
 *   loadModel: () => loadModel(parseModelLocation('model-artifacts/lin_reg.bin')),
 *   output: undefined, // TEST_RUN semantics
 *   deadLetters: new MemoryDeadLetterSink(),
 * });
 * const { predictions, batchItemFailures, deadLetters } = await invoke(event, context);
 * ```
 */
export function createHandler(deps: HandlerDependencies): RideHandler {
  const log = deps.logger ?? silentLog;
  const safetyMarginMs = deps.safetyMarginMs ?? DEFAULT_SAFETY_MARGIN_MS;
  let model: Promise<LoadedModel> | undefined;
  let pendingLoadMs: number | undefined;

  const getModel = (): Promise<LoadedModel> => {
    if (model === undefined) {
      const started = performance.now();
      model = deps.loadModel().then(
        (loaded) => {
          const loadMs = Math.round((performance.now() - started) * 10) / 10;
          pendingLoadMs = loadMs;
          log.info('Model loaded', { model: { ...loaded.description }, contract: loaded.contract.summary, loadMs });
          return loaded;
        },
        (error: unknown) => {
          model = undefined; // not cached: the next invocation tries again
          throw error;
        },
      );
    }
    return model;
  };

  const invoke = async (event: KinesisStreamEvent, context: Context): Promise<RideHandlerResponse> => {
    deps.logger?.addContext?.(context);
    if (!Array.isArray(event?.Records)) throw new TypeError('not a Kinesis event: no Records array');

    let loaded: LoadedModel;
    try {
      loaded = await getModel();
    } catch (error) {
      log.error('Model could not be loaded; failing the whole batch so that Lambda retries it', {
        error: errorMessage(error),
        records: event.Records.length,
      });
      throw new ModelUnavailableError(`model could not be loaded: ${errorMessage(error)}`, { cause: error });
    }

    const outcome = await processBatch(
      event.Records,
      {
        model: loaded,
        version: deps.runId ?? loaded.description.version,
        output: deps.output,
        deadLetters: deps.deadLetters,
        log,
      },
      {
        // Local callers may pass a bare context: then there is no deadline.
        remainingTimeMs:
          typeof context?.getRemainingTimeInMillis === 'function'
            ? () => context.getRemainingTimeInMillis() - safetyMarginMs
            : () => Number.POSITIVE_INFINITY,
      },
    );

    log.info('Batch processed', { counts: outcome.counts, unseenFeatureRides: outcome.unseen.rides, modelVersion: loaded.description.version });
    deps.onOutcome?.(outcome);
    if (deps.metrics !== undefined) {
      const loadMs = pendingLoadMs;
      pendingLoadMs = undefined;
      publishMetrics(deps.metrics, outcome, loadMs);
    }

    if (deps.output === undefined) {
      return {
        predictions: outcome.predictions,
        batchItemFailures: outcome.batchItemFailures,
        deadLetters: outcome.deadLetters,
      };
    }
    return { batchItemFailures: outcome.batchItemFailures };
  };

  return Object.assign(invoke, {
    warmUp: async (): Promise<void> => {
      // The model first: its download is on the network while `prepare` compiles on the CPU.
      const loading = getModel();
      const preparing = deps.prepare?.().catch((error: unknown) => {
        log.warn('Preparing the sinks failed at init; the first write will retry it', { error: errorMessage(error) });
      });
      try {
        await loading;
      } catch (error) {
        log.warn('Model load failed at init; the first invocation will retry it', { error: errorMessage(error) });
      }
      await preparing;
    },
  });
}

/** Injected clients and loggers for {@link dependenciesFromConfig} (defaults built from the config). */
export interface EnvironmentOverrides {
  readonly s3?: S3Client;
  readonly kinesis?: KinesisClient;
  readonly logger?: HandlerDependencies['logger'];
  readonly metrics?: Metrics;
  /** The model's bytes, already on their way (`entry.ts`); used by the first load only. */
  readonly prefetchedModel?: Promise<PrefetchedModel> | undefined;
  /** The signed S3 client that fetched them, reused for later loads and the dead letters (else one is made). */
  readonly signedS3?: SignedS3Client | undefined;
}

/**
 * The production wiring: Kinesis output (none under `TEST_RUN`), dead letters to S3 when
 * `DEAD_LETTER_BUCKET` is set (else memory under `TEST_RUN`, else the log), model from the configured location.
 *
 * With the role's credentials in the environment (always in Lambda) the model is read with a signed
 * GET of our own, the predictions written with a signed `PutRecords` and the dead letters with a
 * signed `PutObject` of our own, so the AWS SDK is not loaded at all. Without them, or with an
 * injected client, the SDK's clients are used, loaded on first use (the output's during init, see
 * {@link HandlerDependencies.prepare}; the dead letters' by the first batch with poison).
 *
 * @throws {ConfigError} when `PREDICTIONS_STREAM_NAME` is missing outside `TEST_RUN`.
 */
export function dependenciesFromConfig(config: HandlerConfig, overrides: EnvironmentOverrides = {}): HandlerDependencies {
  const logger = overrides.logger ?? createLogger(config);
  const region = config.region;
  const aws = new Deferred<AwsParts>(() => import('./aws-parts.js'));
  const s3 = new Deferred<S3Client>(async () => overrides.s3 ?? (await aws.get()).createS3Client({ endpoint: config.s3EndpointUrl, region }));

  const credentials = config.environmentCredentials;
  // One client for the model and the dead letters: one keep-alive pool, one set of credentials.
  const signedS3 = overrides.s3 === undefined ? (overrides.signedS3 ?? signedS3ClientFor(config)) : undefined;
  let output: OutputSink | undefined;
  // Loaded at init, overlapping the model download, when the output goes through the SDK.
  let outputSdk: Deferred<OutputSink> | undefined;
  if (!config.testRun) {
    const streamName = config.predictionsStreamName;
    if (streamName === undefined) {
      throw new ConfigError(`${ENV.predictionsStreamName} is required unless ${ENV.testRun}=True`);
    }
    if (overrides.kinesis === undefined && credentials !== undefined) {
      const client = new SignedKinesisWriter({ region: region ?? DEFAULT_REGION, credentials, endpoint: config.kinesisEndpointUrl });
      output = new KinesisOutputSink({ client, streamName, log: logger });
    } else {
      outputSdk = new Deferred(async () => {
        const parts = await aws.get();
        const client = overrides.kinesis ?? parts.createKinesisClient({ endpoint: config.kinesisEndpointUrl, region });
        return new KinesisOutputSink({ client: parts.sdkPutRecords(client), streamName, log: logger });
      });
      output = new DeferredOutputSink(outputSdk);
    }
  }

  let deadLetters: DeadLetterSink;
  const deadLetterBucket = config.deadLetterBucket;
  if (deadLetterBucket !== undefined) {
    const where = { bucket: deadLetterBucket, prefix: config.deadLetterPrefix };
    deadLetters =
      signedS3 !== undefined
        ? new S3DeadLetterSink({ client: signedS3, ...where })
        : new DeferredDeadLetterSink(
            new Deferred(async () => {
              const [parts, client] = await Promise.all([aws.get(), s3.get()]);
              return new S3DeadLetterSink({ client: parts.sdkS3ObjectWriter(client), ...where });
            }),
          );
  } else if (config.testRun) {
    deadLetters = new MemoryDeadLetterSink();
  } else {
    logger.warn(`${ENV.deadLetterBucket} is not set: poison records will be written to the log only`);
    deadLetters = new LogDeadLetterSink(logger);
  }

  const modelReader: S3ObjectReader = signedS3 ?? {
    getObject: async (bucket, key) => {
      const [parts, client] = await Promise.all([aws.get(), s3.get()]);
      return parts.sdkS3Reader(client).getObject(bucket, key);
    },
  };

  let prefetched = overrides.prefetchedModel;
  return {
    loadModel: () => {
      // The prefetched bytes serve one attempt; after a failure the next load fetches afresh.
      const first = prefetched;
      prefetched = undefined;
      return loadConfiguredModel(config, modelReader, first);
    },
    runId: config.runId,
    output,
    deadLetters,
    logger,
    metrics: overrides.metrics ?? createMetrics(config),
    // Dead letters through the SDK are not prepared: poison is rare, and the SDK's S3 client would
    // cost every cold start its compile time; the first batch with poison loads it.
    prepare: () => Promise.resolve(outputSdk?.get()),
  };
}

let fromEnvironment: RideHandler | undefined;

/**
 * The handler wired from the environment (see `lambda/config.ts`), built on first use and then kept
 * for the container's life. `entry.ts` passes the configuration it already read and the model it
 * started fetching; both are used only by the call that builds the handler.
 *
 * @throws {ConfigError} when the environment cannot work
 */
export function environmentHandler(
  from: { readonly config?: HandlerConfig; readonly prefetched?: Promise<PrefetchedModel>; readonly signedS3?: SignedS3Client } = {},
): RideHandler {
  fromEnvironment ??= createHandler(dependenciesFromConfig(from.config ?? readConfig(), { prefetchedModel: from.prefetched, signedS3: from.signedS3 }));
  return fromEnvironment;
}

/**
 * The Lambda handler, wired from the environment on first use. The deployed entry is `entry.ts`,
 * which also loads the model during Lambda's init phase.
 */
export const handler = async (event: KinesisStreamEvent, context: Context): Promise<RideHandlerResponse> =>
  environmentHandler()(event, context); // async: a configuration error becomes a rejected invocation
