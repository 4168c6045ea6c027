/**
 * Typed errors of the model runtime. Every failure to load a model ends in a {@link ModelLoadError}
 * subclass whose message says what was wrong and where, so a cold-start log line is enough to act on.
 */

/** Base class: any model that could not be located, read, verified or understood. */
export class ModelLoadError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** The model location string or environment pieces are not a usable location. */
export class ModelLocationError extends ModelLoadError {}

/** The bytes could not be fetched (file missing, S3 error). */
export class ModelFetchError extends ModelLoadError {}

/** An MLflow model folder is missing `MLmodel`, has no sklearn flavour, or points at a missing file. */
export class MlflowModelError extends ModelLoadError {}

/** The model bytes do not match `MODEL_SHA256`. */
export class ModelIntegrityError extends ModelLoadError {}

/** The file was read, but its object graph is not a model this runtime can score. */
export class UnsupportedModelError extends ModelLoadError {}

/**
 * The model reads a key that no ride can provide, reads a key in a way the function cannot feed, or
 * its recipe is wrong: serving it would give wrong predictions, so it is refused at load.
 */
export class ModelContractError extends ModelLoadError {}

/** Longest file-provided value an error message quotes; a longer one is cut and its length given. */
export const MAX_QUOTED_CHARS = 200;

/**
 * A value read from a model file (an MLmodel scalar, a pickle string or global name) as an error
 * message quotes it: JSON-escaped so control characters cannot forge log lines, and cut after
 * {@link MAX_QUOTED_CHARS} characters so a hostile multi-megabyte value cannot flood the logs.
 * `bare` leaves out the surrounding quotes (for names that read better unquoted).
 *
 * @example
 * ```ts
 * quoteFileValue('model.pkl');                 // '"model.pkl"'
 * quoteFileValue('x'.repeat(5_000_000));       // '"xxx…x"…(5000000 chars)' (200 x's)
 * quoteFileValue('os.system', { bare: true }); // 'os.system'
 * ```
 */
export function quoteFileValue(value: string, options: { readonly bare?: boolean } = {}): string {
  const cut = value.length > MAX_QUOTED_CHARS;
  const quoted = JSON.stringify(cut ? value.slice(0, MAX_QUOTED_CHARS) : value);
  const shown = options.bare ? quoted.slice(1, -1) : quoted;
  return cut ? `${shown}…(${value.length} chars)` : shown;
}
