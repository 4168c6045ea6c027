/** Errors the trainer raises; each names what was wrong so the CLI can print it as is. */

/** The training or validation data cannot be used (missing column, no rows left after filtering). */
export class TrainingDataError extends Error {
  override readonly name = 'TrainingDataError';
}

/** The solver was given an inconsistent problem (shape mismatch, bad tolerance or alpha). */
export class SolverError extends Error {
  override readonly name = 'SolverError';
}
