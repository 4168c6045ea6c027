/**
 * The shadow model's life in a container: loaded at cold start beside the production model (the
 * init phase waits for both); a batch never waits for it: it uses the shadow when it is there. A
 * load that fails to fetch is logged, counted and retried in the background at most once a
 * {@link SHADOW_RETRY_MS}; a model refused as it is (its contract, its bytes, its pickle) is not
 * fetched again, and counted on every invocation so that the alarm stays on until it is replaced.
 */
import { ModelFetchError } from '../model/errors.js';
import type { LoadedModel } from '../model/types.js';
import { errorText, type LogSink } from '../log-sink.js';

/** Least time between two attempts to load a shadow model that failed to load. */
export const SHADOW_RETRY_MS = 60_000;

/**
 * @example
 * ```ts
 * const shadow = new ShadowLoader(() => loadModel('s3://models/candidate.bin', { s3 }), log);
 * void shadow.start();                 // init phase, in parallel with the production model
 * const model = shadow.current();       // per batch: undefined while there is none
 * ```
 */
export class ShadowLoader {
  private first: Promise<void> | undefined;
  private loading: Promise<void> | undefined;
  private loaded: LoadedModel | undefined;
  private failedAt = Number.NEGATIVE_INFINITY;
  private failures = 0;
  /** The model was refused as it is: fetching it again would give the same answer. */
  private refused = false;

  constructor(
    private readonly load: () => Promise<LoadedModel>,
    private readonly log: LogSink,
    private readonly now: () => number = Date.now,
  ) {}

  /** Starts the cold-start load (once); resolves when it is settled, whatever the result. */
  start(): Promise<void> {
    this.first ??= this.attempt();
    return this.first;
  }

  /**
   * The shadow model for this batch, or `undefined` while there is none: never waits. Starts the
   * first load if nothing did (outside Lambda's init), and after a fetch failure a background retry
   * when one is due.
   */
  current(): LoadedModel | undefined {
    void this.start();
    const due = this.now() - this.failedAt >= SHADOW_RETRY_MS;
    if (this.loaded === undefined && this.loading === undefined && !this.refused && due) void this.attempt();
    return this.loaded;
  }

  /**
   * Failed load attempts since the last call, for the `ShadowLoadFailures` metric; at least one per
   * call while the model stands refused.
   */
  takeLoadFailures(): number {
    const failures = this.failures;
    this.failures = 0;
    return this.refused ? Math.max(1, failures) : failures;
  }

  private attempt(): Promise<void> {
    const started = performance.now();
    const loading = this.load().then(
      (model) => {
        this.loaded = model;
        const loadMs = Math.round((performance.now() - started) * 10) / 10;
        this.log.info('Shadow model loaded', { shadowModel: { ...model.description }, contract: model.contract.summary, loadMs });
      },
      (error: unknown) => {
        this.failedAt = this.now();
        this.failures++;
        // Only a failed fetch may go another way next time; a refusal is the model's own.
        this.refused = !(error instanceof ModelFetchError);
        this.log.error('Shadow model could not be loaded; scoring goes on without it', {
          error: errorText(error), ...(this.refused ? { retried: false } : { retryInMs: SHADOW_RETRY_MS }),
        });
      },
    ).finally(() => {
      this.loading = undefined;
    });
    this.loading = loading;
    return loading;
  }
}
