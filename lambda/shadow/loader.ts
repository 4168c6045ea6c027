/**
 * The shadow model's life in a container: loaded at cold start beside the production model; a load
 * that fails is logged, counted and retried in the background at most once a
 * {@link SHADOW_RETRY_MS}, so that a missing or refused candidate never slows the main path.
 */
import type { LoadedModel } from '../model/types.js';
import type { LogSink } from '../observability.js';

/** Least time between two attempts to load a shadow model that failed to load. */
export const SHADOW_RETRY_MS = 60_000;

function errorText(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

/**
 * @example
 * ```ts
 * const shadow = new ShadowLoader(() => loadModel('s3://models/candidate.bin', { s3 }), log);
 * void shadow.start();                 // init phase, in parallel with the production model
 * const model = await shadow.current(); // per batch: undefined while there is none
 * ```
 */
export class ShadowLoader {
  private first: Promise<void> | undefined;
  private loading: Promise<void> | undefined;
  private loaded: LoadedModel | undefined;
  private failedAt = Number.NEGATIVE_INFINITY;
  private failures = 0;

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
   * The shadow model for this batch, or `undefined`. Waits only for the cold-start load; after a
   * failure it starts a background retry when one is due and answers `undefined` at once.
   */
  async current(): Promise<LoadedModel | undefined> {
    await this.start();
    if (this.loaded === undefined && this.loading === undefined && this.now() - this.failedAt >= SHADOW_RETRY_MS) {
      void this.attempt();
    }
    return this.loaded;
  }

  /** Failed load attempts since the last call (for the `ShadowLoadFailures` metric). */
  takeLoadFailures(): number {
    const failures = this.failures;
    this.failures = 0;
    return failures;
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
        this.log.error('Shadow model could not be loaded; scoring goes on without it', {
          error: errorText(error), retryInMs: SHADOW_RETRY_MS,
        });
      },
    ).finally(() => {
      this.loading = undefined;
    });
    this.loading = loading;
    return loading;
  }
}
