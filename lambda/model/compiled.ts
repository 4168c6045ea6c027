/**
 * A pickle's compiled sidecar: the same linear model as JSON, stored next to the pickle
 * (`lin_reg.bin` → `lin_reg.bin.compiled.json`), so that a cold start reads it with `JSON.parse`,
 * one `split` and one base64 decode instead of running the pickle VM over 53,000 opcodes (about 30
 * of the ~150 ms of a cold start on Node 20, which has no mid-tier compiler for that interpreted loop).
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
import { sha256Hex } from './digest.js';
import { UnsupportedModelError } from './errors.js';
import { linearFrom, type LinearParts } from './native.js';
import { LITTLE_ENDIAN_HOST, unpickle } from './pickle/index.js';
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

/**
 * The sidecar's fields. Names and coefficients are one string each rather than arrays of 13,221
 * values: `JSON.parse` then builds two strings instead of 26,000 values, and the loader splits the
 * names and decodes the coefficients natively, running no JavaScript per feature (the arrays took
 * ~8 of the sidecar's ~10 ms at cold start).
 */
export interface CompiledModel {
  readonly format: typeof COMPILED_MODEL_FORMAT;
  readonly source: CompiledModelSource;
  readonly regressor: string;
  /** DictVectorizer feature names in column order, one per line (`\n`-separated). */
  readonly featureNames: string;
  readonly separator: string;
  /** The coefficients in column order: base64 of their float64 bits, little-endian (exact). */
  readonly coef: string;
  readonly intercept: number;
}

const NAME_SEPARATOR = '\n';
/**
 * `text` decoded as strict base64, or undefined. Node's decoder skips characters outside the
 * alphabet (and an early "="), which always leaves fewer bytes than the text's length promises, so
 * that count is the check; only the URL-safe "-" and "_", which it decodes too, need looking for.
 * Why not a pattern: testing the 141 KB of the course model's coefficients with one took a
 * millisecond of each cold start.
 */
function strictBase64(text: string): Buffer | undefined {
  if (text.length % 4 !== 0 || text.includes('-') || text.includes('_')) return undefined;
  const padding = text.endsWith('==') ? 2 : text.endsWith('=') ? 1 : 0;
  const bytes = Buffer.from(text, 'base64');
  return bytes.length === (text.length / 4) * 3 - padding ? bytes : undefined;
}

function float64Bytes(values: Float64Array): Buffer {
  if (LITTLE_ENDIAN_HOST) return Buffer.from(values.buffer, values.byteOffset, values.byteLength);
  const out = Buffer.alloc(values.length * 8);
  for (let i = 0; i < values.length; i++) out.writeDoubleLE(values[i] as number, i * 8);
  return out;
}

function float64FromBytes(bytes: Uint8Array): Float64Array {
  // A copy (`Buffer#slice` would be a view, of a pooled buffer perhaps): aligned, and exactly these bytes.
  if (LITTLE_ENDIAN_HOST) return new Float64Array(new Uint8Array(bytes).buffer);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return Float64Array.from({ length: bytes.length / 8 }, (_, i) => view.getFloat64(i * 8, true));
}

/**
 * Compiles a pickled DictVectorizer + linear model. Coefficients are stored as their float64 bits,
 * so the sidecar scores bit for bit as the pickle does.
 *
 * @throws {UnsupportedModelError} when the pickle holds a model that does not compile (a tree
 *   ensemble, a feature name with a line break)
 * @throws the pickle reader's errors when the bytes are not a model at all
 */
export function compileModel(pickle: Uint8Array, options: { readonly limits?: Partial<PickleLimits> } = {}): CompiledModel {
  const model = toPredictor(unpickle(pickle, options.limits ? { limits: options.limits } : {}));
  const { predictor } = model;
  if (!(predictor instanceof VectorizedPredictor) || !(predictor.regressor instanceof LinearModel)) {
    throw new UnsupportedModelError(`${model.regressor} does not compile: only DictVectorizer + linear models do (a tree ensemble is read from its pickle)`);
  }
  const { vectorizer, regressor } = predictor;
  const names = vectorizer.featureNames();
  if (names.some((name) => name.includes(NAME_SEPARATOR))) {
    throw new UnsupportedModelError('a feature name holds a line break, which the compiled format cannot store; the pickle is read instead');
  }
  return {
    format: COMPILED_MODEL_FORMAT,
    source: {
      sha256: sha256Hex(pickle),
      bytes: pickle.length,
      layout: model.layout,
      ...(model.sklearnVersion !== undefined ? { sklearnVersion: model.sklearnVersion } : {}),
    },
    regressor: regressor.name,
    featureNames: names.join(NAME_SEPARATOR),
    separator: vectorizer.separator,
    coef: float64Bytes(regressor.coef).toString('base64'),
    intercept: regressor.intercept,
  };
}

/** The sidecar's file contents: one line of JSON, the same bytes for the same pickle. */
export function formatCompiledModel(model: CompiledModel): string {
  return `${JSON.stringify(model)}\n`;
}

/** A sidecar that matched its pickle: the model, ready to score, and what the pickle said about itself. */
export interface CompiledMatch extends LinearParts {
  /** `pickle-tuple` or `pickle-pipeline`, as the pickle's own load would report it. */
  readonly layout: string;
  readonly sklearnVersion?: string;
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
  const { featureNames, coef } = m;
  if (typeof featureNames !== 'string') return { rejected: 'featureNames must be a string of names, one per line' };
  const weights = typeof coef === 'string' ? strictBase64(coef) : undefined;
  if (weights === undefined) return { rejected: 'coef must be base64 (the float64 coefficients, little-endian)' };
  const names = featureNames === '' ? [] : featureNames.split(NAME_SEPARATOR);
  if (weights.length !== names.length * 8) return { rejected: `coef holds ${weights.length} bytes for ${names.length} features (8 each)` };
  try {
    const linear = linearFrom({ featureNames: names, coef: float64FromBytes(weights), intercept: m.intercept, separator: m.separator, regressor: m.regressor }, 'compiled model');
    const sklearnVersion = typeof source.sklearnVersion === 'string' ? { sklearnVersion: source.sklearnVersion } : {};
    return { ...linear, layout: source.layout, ...sklearnVersion };
  } catch (err) {
    return { rejected: (err as Error).message };
  }
}

/**
 * Holds a sidecar to its pickle: scores one row per feature (each one-hot feature alone, each numeric
 * feature at 1.5) and an empty row with both, and throws unless every score is bit-identical. Every
 * coefficient and the intercept enter some score, so a sidecar that passes is the pickle's model.
 *
 * @returns the sidecar's model, as the loader reads it
 * @throws {UnsupportedModelError} when the sidecar does not match its pickle or any score differs
 */
export function checkCompiledModel(pickle: Uint8Array, sidecar: Uint8Array): CompiledMatch {
  const expected = toPredictor(unpickle(pickle)).predictor;
  const read = readCompiledModel(sidecar, { sha256: sha256Hex(pickle), bytes: pickle.length });
  if ('rejected' in read) throw new UnsupportedModelError(`the compiled model does not stand in for its pickle: ${read.rejected}`);
  if (!(expected instanceof VectorizedPredictor)) throw new UnsupportedModelError('the pickle is not a DictVectorizer model');
  // The rows come from the pickle's own vocabulary, so a feature the sidecar lost is scored too.
  const { separator } = expected.vectorizer;
  const rows: Array<Record<string, string | number>> = [{}];
  for (const name of expected.vectorizer.featureNames()) {
    const at = name.indexOf(separator);
    rows.push(at < 0 ? { [name]: 1.5 } : { [name.slice(0, at)]: name.slice(at + separator.length) });
  }
  for (const row of rows) {
    const want = expected.predictOne(row);
    const got = read.predictor.predictOne(row);
    if (!Object.is(want, got)) throw new UnsupportedModelError(`the compiled model scores ${JSON.stringify(row)} as ${got}, its pickle as ${want}`);
  }
  return read;
}

/** A sidecar ready to be written beside its pickle. */
export interface CompiledSidecar {
  /** The file's bytes ({@link formatCompiledModel}). */
  readonly bytes: Uint8Array;
  readonly model: CompiledModel;
  /** The sidecar as the loader reads it, checked against the pickle. */
  readonly checked: CompiledMatch;
}

/**
 * {@link compileModel}, {@link formatCompiledModel} and {@link checkCompiledModel} in one: what
 * `ride-duration compile`, the stack and the local services write beside a pickle.
 *
 * @throws as those do: {@link UnsupportedModelError} for a model that does not compile
 */
export function compileSidecar(pickle: Uint8Array): CompiledSidecar {
  const model = compileModel(pickle);
  const bytes = new TextEncoder().encode(formatCompiledModel(model));
  return { bytes, model, checked: checkCompiledModel(pickle, bytes) };
}

/** True when JSON model bytes are a sidecar rather than a model of their own. */
export function isCompiledModel(json: unknown): boolean {
  return typeof json === 'object' && json !== null && (json as { format?: unknown }).format === COMPILED_MODEL_FORMAT;
}
