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
import { processBatch, type BatchOutcome } from './batch.js';
import type { LoadedModel } from './model/types.js';
import { errorText, silentLog, type LogSink } from './log-sink.js';
import { METRIC, MetricUnit } from './metric-names.js';
import type { PredictionEvent } from './ride/prediction.js';
import { addShadowFailureMetrics, publishShadowDifferences } from './shadow/metrics.js';
import { ShadowLoader } from './shadow/loader.js';
import type { ShadowPairSink } from './shadow/types.js';
import type { DeadLetter, DeadLetterSink, OutputSink } from './sinks/types.js';

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
   * Loads a shadow model, scored beside the production one without changing the output; loaded at
   * cold start in parallel with it. A failed load is logged, counted and retried in the background.
   */
  readonly loadShadowModel?: (() => Promise<LoadedModel>) | undefined;
  /** Where the shadow's pairs go; `undefined`: only the difference metrics. */
  readonly shadowPairs?: ShadowPairSink | undefined;
  /** Powertools `Metrics` for the shadow's differences (dimension `ShadowVersion`); flushed per batch. */
  readonly shadowMetrics?: Metrics | undefined;
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

function publishMetrics(metrics: Metrics, { counts, unseen, shadow }: BatchOutcome, modelLoadMs: number | undefined, shadowLoader: ShadowLoader | undefined): void {
  metrics.addMetric(METRIC.recordsIn, MetricUnit.Count, counts.in);
  metrics.addMetric(METRIC.recordsPredicted, MetricUnit.Count, counts.predicted);
  metrics.addMetric(METRIC.recordsDeadLettered, MetricUnit.Count, counts.deadLettered);
  metrics.addMetric(METRIC.outputWriteFailures, MetricUnit.Count, counts.outputFailed);
  metrics.addMetric(METRIC.deadLetterWriteFailures, MetricUnit.Count, counts.deadLetterFailed);
  metrics.addMetric(METRIC.unseenFeatureValues, MetricUnit.Count, unseen.rides);
  const scored = counts.predicted + counts.outputFailed;
  if (scored > 0) metrics.addMetric(METRIC.unseenFeatureShare, MetricUnit.Percent, (100 * unseen.rides) / scored);
  if (modelLoadMs !== undefined) metrics.addMetric(METRIC.modelLoadMs, MetricUnit.Milliseconds, modelLoadMs);
  if (shadowLoader !== undefined) addShadowFailureMetrics(metrics, shadow, shadowLoader.takeLoadFailures());
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
  const shadowLoader = deps.loadShadowModel === undefined ? undefined : new ShadowLoader(deps.loadShadowModel, log);

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
    // Powertools' ColdStart metric (1) on the environment's first invocation: the init phase logs and loads, but does not invoke.
    deps.metrics?.captureColdStartMetric(context?.functionName);
    if (!Array.isArray(event?.Records)) throw new TypeError('not a Kinesis event: no Records array');

    let loaded: LoadedModel;
    try {
      loaded = await getModel();
    } catch (error) {
      log.error('Model could not be loaded; failing the whole batch so that Lambda retries it', {
        error: errorText(error),
        records: event.Records.length,
      });
      throw new ModelUnavailableError(`model could not be loaded: ${errorText(error)}`, { cause: error });
    }

    // Only a shadow already loaded (Lambda's init waits for it): the output never waits for one.
    const shadow = shadowLoader?.current();
    const outcome = await processBatch(
      event.Records,
      {
        model: loaded,
        version: deps.runId ?? loaded.description.version,
        output: deps.output,
        deadLetters: deps.deadLetters,
        log,
        shadow: shadow === undefined ? undefined : { model: shadow, version: shadow.description.version, pairs: deps.shadowPairs },
      },
      {
        // Local callers may pass a bare context: then there is no deadline.
        remainingTimeMs:
          typeof context?.getRemainingTimeInMillis === 'function'
            ? () => context.getRemainingTimeInMillis() - safetyMarginMs
            : () => Number.POSITIVE_INFINITY,
      },
    );

    log.info('Batch processed', {
      counts: outcome.counts, unseenFeatureRides: outcome.unseen.rides, modelVersion: loaded.description.version,
      ...(outcome.shadow === undefined ? {} : { shadow: outcome.shadow }),
    });
    deps.onOutcome?.(outcome);
    if (deps.metrics !== undefined) {
      const loadMs = pendingLoadMs;
      pendingLoadMs = undefined;
      publishMetrics(deps.metrics, outcome, loadMs, shadowLoader);
    }
    if (deps.shadowMetrics !== undefined && outcome.shadow !== undefined) publishShadowDifferences(deps.shadowMetrics, outcome.shadow);

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
      const shadowLoad = shadowLoader?.start(); // in parallel; never rejects
      try {
        await getModel();
      } catch (error) {
        log.warn('Model load failed at init; the first invocation will retry it', { error: errorText(error) });
      }
      await shadowLoad;
    },
  });
}
