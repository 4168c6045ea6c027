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
