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
