/**
 * Typed errors of the model runtime. Every failure to load a model ends in a {@link ModelLoadError}
 * subclass whose message says what was wrong and where, so a cold-start log line is enough to act on.
 */

/** What a {@link ModelLoadError} may say besides its message. */
export interface ModelLoadErrorOptions {
  readonly cause?: unknown;
  /**
   * The failure without the location it is about (`no such file or folder`), and that location
   * (`about`, as given to the loader): the CLI names the location through its flag
   * (`-m x.bin: no such file or folder`) where the function's log line names it in the message.
   */
  readonly detail?: string;
  readonly about?: string;
}

/** Base class: any model that could not be located, read, verified or understood. */
export class ModelLoadError extends Error {
  /** See {@link ModelLoadErrorOptions.detail}. */
  detail: string | undefined;
  /** See {@link ModelLoadErrorOptions.about}. */
  about: string | undefined;
  constructor(message: string, options?: ModelLoadErrorOptions) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.detail = options?.detail;
    this.about = options?.about;
  }

  /**
   * Says which model the failure is about, for a reader that only saw bytes (the pickle reader, the
   * sklearn adapters): `model <about>: <verdict>: <message>`. The error itself is kept, not wrapped,
   * because callers tell failures apart by class (`TruncatedPickleError`) and read their fields.
   *
   * Without a verdict the message is kept as it is after the location (a contract's refusal already
   * says `the model cannot be served: …`).
   *
   * @example
   * error.locate('/models/x.bin', 'not a readable model'); // model /models/x.bin: not a readable model: pickle truncated …
   */
  locate(about: string, verdict?: string): this {
    if (this.about !== undefined) return this;
    this.detail = verdict === undefined ? this.message : `${verdict}: ${this.message}`;
    this.about = about;
    this.message = `model ${about}: ${this.detail}`;
    return this;
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
