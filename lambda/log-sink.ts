/**
 * The logging surface the core needs, and a logger that drops everything. No Powertools here: the
 * Lambda entry injects its `Logger` (`observability.ts`); `invoke` and tests run without it.
 */

/** The logging surface the core needs; Powertools' `Logger` satisfies it, and so does a test recorder. */
export interface LogSink {
  debug(message: string, ...extra: Array<Record<string, unknown>>): void;
  info(message: string, ...extra: Array<Record<string, unknown>>): void;
  warn(message: string, ...extra: Array<Record<string, unknown>>): void;
  error(message: string, ...extra: Array<Record<string, unknown>>): void;
}

/** A logger that drops everything. */
export const silentLog: LogSink = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};

/**
 * An error as one log field: its class and message (`ModelFetchError: …`), or the thrown value's text.
 *
 * @example
 * ```ts
 * log.warn('Model load failed', { error: errorText(error) });
 * ```
 */
export function errorText(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
