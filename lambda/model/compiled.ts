/**
 * A pickle's compiled sidecar: the same linear model as JSON, stored next to the pickle
 * (`lin_reg.bin` → `lin_reg.bin.compiled.json`), so that a cold start reads it with `JSON.parse`
 * instead of running the pickle VM over 53,000 opcodes (about 30 of the ~150 ms of a cold start on
 * Node 20, which has no mid-tier compiler for that interpreted loop).
 *
 * The pickle stays the model. The sidecar records the sha256 and length of the pickle it was compiled
 * from, and the loader uses it only when both match the pickle bytes it has just fetched: a stale,
 * foreign or damaged sidecar is ignored (and the reason logged), never trusted. So the version id
 * (`sha256:` of the pickle), `MODEL_SHA256` and `MODEL_LOCATION` keep their meaning; when
 * `MODEL_SHA256` pins the pickle, a sidecar is used only if `MODEL_COMPILED_SHA256` pins it too.
 *
 * Only DictVectorizer + linear models compile (LinearRegression, Ridge, Lasso, ElasticNet): a tree
 * ensemble is read from its pickle.
 *
 * @example
 * ```ts
 * const compiled = compileModel(readFileSync('lin_reg.bin'));
 * writeFileSync('lin_reg.bin.compiled.json', formatCompiledModel(compiled)); // COMPILED_MODEL_SUFFIX
 * ```
 */
import { createHash } from 'node:crypto';
import { UnsupportedModelError } from './errors.js';
import { linearPredictor, type LinearParts } from './native.js';
import { unpickle } from './pickle/index.js';
import type { PickleLimits } from './pickle/index.js';
import { LinearModel, VectorizedPredictor, toPredictor } from './sklearn/index.js';

export const COMPILED_MODEL_FORMAT = 'ride-duration-compiled/v1';

/** The pickle a sidecar was compiled from, and what the pickle said about itself. */
export interface CompiledModelSource {
  /** sha256 (hex) of the pickle's bytes. */
  readonly sha256: string;
  /** The pickle's length in bytes. */
  readonly bytes: number;
  /** `pickle-tuple` or `pickle-pipeline`. */
  readonly layout: string;
  readonly sklearnVersion?: string;
}

export interface CompiledModel {
  readonly format: typeof COMPILED_MODEL_FORMAT;
  readonly source: CompiledModelSource;
  readonly regressor: string;
  /** DictVectorizer feature names in column order. */
  readonly featureNames: readonly string[];
  readonly separator: string;
  readonly coef: readonly number[];
  readonly intercept: number;
}

/**
 * Compiles a pickled DictVectorizer + linear model. Coefficients are stored as JSON numbers, which
 * round-trip every finite double exactly, so the sidecar scores bit for bit as the pickle does.
 *
 * @throws {UnsupportedModelError} when the pickle holds a model that does not compile (a tree ensemble)
 * @throws the pickle reader's errors when the bytes are not a model at all
 */
export function compileModel(pickle: Uint8Array, options: { readonly limits?: Partial<PickleLimits> } = {}): CompiledModel {
  const model = toPredictor(unpickle(pickle, options.limits ? { limits: options.limits } : {}));
  const { predictor } = model;
  if (!(predictor instanceof VectorizedPredictor) || !(predictor.regressor instanceof LinearModel)) {
    throw new UnsupportedModelError(`${model.regressor} does not compile: only DictVectorizer + linear models do (a tree ensemble is read from its pickle)`);
  }
  const { vectorizer, regressor } = predictor;
  return {
    format: COMPILED_MODEL_FORMAT,
    source: {
      sha256: sha256Hex(pickle),
      bytes: pickle.length,
      layout: model.layout,
      ...(model.sklearnVersion !== undefined ? { sklearnVersion: model.sklearnVersion } : {}),
    },
    regressor: regressor.name,
    featureNames: vectorizer.featureNames(),
    separator: vectorizer.separator,
    coef: Array.from(regressor.coef),
    intercept: regressor.intercept,
  };
}

/** The sidecar's file contents: one line of JSON, the same bytes for the same pickle. */
export function formatCompiledModel(model: CompiledModel): string {
  return `${JSON.stringify(model)}\n`;
}

/** A sidecar that matched its pickle: the model, ready to score. */
export interface CompiledMatch extends LinearParts {
  readonly source: CompiledModelSource;
}

/**
 * Reads a sidecar for the pickle with this sha256 and length.
 *
 * @returns the model, or why the sidecar cannot stand in for the pickle (never throws for bad input)
 */
export function readCompiledModel(bytes: Uint8Array, pickle: { readonly sha256: string; readonly bytes: number }): CompiledMatch | { readonly rejected: string } {
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch (cause) {
    return { rejected: `not JSON: ${(cause as Error).message}` };
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return { rejected: 'not a JSON object' };
  const m = json as Record<string, unknown>;
  if (m.format !== COMPILED_MODEL_FORMAT) return { rejected: `format ${JSON.stringify(m.format)}, expected ${JSON.stringify(COMPILED_MODEL_FORMAT)}` };
  const source = m.source as Record<string, unknown> | null | undefined;
  if (typeof source !== 'object' || source === null || typeof source.sha256 !== 'string' || typeof source.bytes !== 'number' || typeof source.layout !== 'string') {
    return { rejected: 'source must name the pickle (sha256, bytes, layout)' };
  }
  if (source.sha256 !== pickle.sha256 || source.bytes !== pickle.bytes) {
    return { rejected: `stale: compiled from a pickle with sha256 ${source.sha256.slice(0, 12)}…, this one has ${pickle.sha256.slice(0, 12)}…` };
  }
  try {
    const linear = linearPredictor(m, 'compiled model');
    const sklearnVersion = typeof source.sklearnVersion === 'string' ? { sklearnVersion: source.sklearnVersion } : {};
    return { ...linear, source: { sha256: source.sha256, bytes: source.bytes, layout: source.layout, ...sklearnVersion } };
  } catch (err) {
    return { rejected: (err as Error).message };
  }
}

/**
 * Holds a sidecar to its pickle: scores one row per feature (each one-hot feature alone, each numeric
 * feature at 1.5) and an empty row with both, and throws unless every score is bit-identical. Every
 * coefficient and the intercept enter some score, so a sidecar that passes is the pickle's model.
 *
 * @throws {UnsupportedModelError} when the sidecar does not match its pickle or any score differs
 */
export function checkCompiledModel(pickle: Uint8Array, sidecar: Uint8Array): void {
  const expected = toPredictor(unpickle(pickle)).predictor;
  const read = readCompiledModel(sidecar, { sha256: sha256Hex(pickle), bytes: pickle.length });
  if ('rejected' in read) throw new UnsupportedModelError(`the compiled model does not stand in for its pickle: ${read.rejected}`);
  const json = JSON.parse(new TextDecoder().decode(sidecar)) as CompiledModel;
  const rows: Array<Record<string, string | number>> = [{}];
  for (const name of json.featureNames) {
    const at = name.indexOf(json.separator);
    rows.push(at < 0 ? { [name]: 1.5 } : { [name.slice(0, at)]: name.slice(at + json.separator.length) });
  }
  for (const row of rows) {
    const want = expected.predictOne(row);
    const got = read.predictor.predictOne(row);
    if (!Object.is(want, got)) throw new UnsupportedModelError(`the compiled model scores ${JSON.stringify(row)} as ${got}, its pickle as ${want}`);
  }
}

/** True when JSON model bytes are a sidecar rather than a model of their own. */
export function isCompiledModel(json: unknown): boolean {
  return typeof json === 'object' && json !== null && (json as { format?: unknown }).format === COMPILED_MODEL_FORMAT;
}

export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}
