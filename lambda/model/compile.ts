/**
 * Writes a pickle's compiled sidecar (the format and its reader: `compiled.ts`): compiles the
 * pickled model, formats it, and holds the result to the pickle score for score.
 *
 * @example
 * ```ts
 * const compiled = compileModel(readFileSync('lin_reg.bin'));
 * writeFileSync('lin_reg.bin.compiled.json', formatCompiledModel(compiled)); // COMPILED_MODEL_SUFFIX
 * ```
 */
import { createHash } from 'node:crypto';
import { COMPILED_MODEL_FORMAT, NAME_SEPARATOR, readCompiledModel, type CompiledMatch, type CompiledModel } from './compiled.js';
import { sha256Hex } from './digest.js';
import { LITTLE_ENDIAN_HOST } from './endian.js';
import { UnsupportedModelError } from './errors.js';
import { unpickle } from './pickle/index.js';
import type { PickleLimits } from './pickle/index.js';
import { LinearModel, VectorizedPredictor, toPredictor, type SklearnModel } from './sklearn/index.js';
import type { Predictor } from './types.js';
import { isStrictlySorted } from './sklearn/vocabulary.js';

function float64Bytes(values: Float64Array): Buffer {
  if (LITTLE_ENDIAN_HOST) return Buffer.from(values.buffer, values.byteOffset, values.byteLength);
  const out = Buffer.alloc(values.length * 8);
  for (let i = 0; i < values.length; i++) out.writeDoubleLE(values[i] as number, i * 8);
  return out;
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
  return compileRead(pickle, sha256Hex(pickle), toPredictor(unpickle(pickle, options.limits ? { limits: options.limits } : {})));
}

/** {@link compileModel} of a pickle already read (`model`) and hashed (`sha256`). */
function compileRead(pickle: Uint8Array, sha256: string, model: SklearnModel): CompiledModel {
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
      sha256,
      bytes: pickle.length,
      layout: model.layout,
      ...(model.sklearnVersion !== undefined ? { sklearnVersion: model.sklearnVersion } : {}),
      md5: createHash('md5').update(pickle).digest('hex'),
    },
    regressor: regressor.name,
    featureNames: names.join(NAME_SEPARATOR),
    separator: vectorizer.separator,
    coef: float64Bytes(regressor.coef).toString('base64'),
    intercept: regressor.intercept,
    ...(isStrictlySorted(names) ? { sortedNames: true } : {}),
  };
}

/** The sidecar's file contents: one line of JSON, the same bytes for the same pickle. */
export function formatCompiledModel(model: CompiledModel): string {
  return `${JSON.stringify(model)}\n`;
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
  return checkRead({ sha256: sha256Hex(pickle), bytes: pickle.length }, toPredictor(unpickle(pickle)).predictor, sidecar);
}

/** {@link checkCompiledModel} against the pickle's model already read (`expected`). */
function checkRead(pickle: { readonly sha256: string; readonly bytes: number }, expected: Predictor, sidecar: Uint8Array): CompiledMatch {
  // Read as a loader that has the sidecar pinned does: believing its `sortedNames`, so that a wrong
  // claim shows as a feature the sidecar cannot find.
  const read = readCompiledModel(sidecar, pickle, { pinned: true });
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
  /** The file's text ({@link formatCompiledModel}). */
  readonly text: string;
  /** The same, as UTF-8: the bytes that are written, uploaded and pinned. */
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
  // The pickle read and hashed once, for both steps.
  const sha256 = sha256Hex(pickle);
  const read = toPredictor(unpickle(pickle));
  const model = compileRead(pickle, sha256, read);
  const text = formatCompiledModel(model);
  const bytes = new TextEncoder().encode(text);
  return { text, bytes, model, checked: checkRead({ sha256, bytes: pickle.length }, read.predictor, bytes) };
}
