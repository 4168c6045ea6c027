/**
 * THE allow-list: every global a model pickle may reference, and what referencing it means.
 * Anything not in {@link ALLOWED_GLOBALS} (`os.system`, `builtins.eval`, `subprocess.Popen`, …) is
 * refused by name when GLOBAL/STACK_GLOBAL names it, before anything is built or called.
 *
 * - `class`: a scikit-learn class; instantiating it records its state, no code of it runs.
 * - `function`: a constructor with a TypeScript implementation (numpy arrays, dtypes, scalars, bytes).
 * - `type`: a reference only (e.g. `numpy.float64` as `DictVectorizer.dtype`); calling it is refused.
 */
import { COST } from './budget.js';
import type { LoadBudget } from './budget.js';
import { PickleError } from './errors.js';
import { DType, NdArray, numpyScalar } from './numpy.js';
import { PyDict, PyGlobal, PySet, PyTuple, describeValue, isPyKey } from './values.js';
import type { PyValue } from './values.js';

export interface CallContext {
  /** The load's budget: a function charges what it allocates before allocating it. */
  readonly budget: LoadBudget;
}

export type GlobalEntry =
  | { readonly kind: 'class'; readonly className: string }
  | { readonly kind: 'function'; readonly call: (args: readonly PyValue[], ctx: CallContext) => PyValue }
  | { readonly kind: 'type'; readonly dtype?: string };

const sklearnClass = (className: string): GlobalEntry => ({ kind: 'class', className });
const fn = (call: (args: readonly PyValue[], ctx: CallContext) => PyValue): GlobalEntry => ({ kind: 'function', call });

const reconstruct = fn((args, ctx) => {
  const [cls] = args;
  // numpy only ever reconstructs ndarray here; a subclass would mean foreign code in Python.
  if (!(cls instanceof PyGlobal && cls.module === 'numpy' && cls.name === 'ndarray')) {
    throw new PickleError(`_reconstruct: only numpy.ndarray is supported, got ${describeValue(cls)}`);
  }
  return NdArray.reconstruct(ctx.budget);
});
const scalar = fn((args) => numpyScalar(args));
const dtype = fn((args) => DType.fromSpec(args[0]));
const frombuffer = fn((args, ctx) => NdArray.fromBuffer(ctx.budget, args));

/** `_codecs.encode(text, 'latin1')`: how protocol 2 pickles carry Python 3 bytes. */
const codecsEncode = fn((args, ctx) => {
  const [text, encoding] = args;
  if (typeof text !== 'string') throw new PickleError(`_codecs.encode: expected a str, got ${describeValue(text)}`);
  if (encoding !== 'latin1' && encoding !== 'latin-1' && encoding !== 'iso-8859-1') {
    throw new PickleError(`_codecs.encode: only latin1 is supported, got ${describeValue(encoding)}`);
  }
  ctx.budget.charge(COST.object + text.length, `_codecs.encode of a ${text.length}-character str`);
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code > 0xff) throw new PickleError('_codecs.encode: character outside latin1');
    out[i] = code;
  }
  return out;
});

/** `bytes()` / `bytearray()` with no argument, a bytes object or a list of small ints. */
const bytesCtor = fn((args, ctx) => {
  const [source] = args;
  if (source === undefined) return new Uint8Array(0);
  if (source instanceof Uint8Array) {
    ctx.budget.charge(COST.object + source.length, `bytes() of ${source.length} bytes`);
    return source.slice();
  }
  if (Array.isArray(source)) {
    ctx.budget.charge(COST.object + source.length, `bytes() of a list of ${source.length} items`);
    return Uint8Array.from(source, (b) => {
      if (typeof b !== 'number' || !Number.isInteger(b) || b < 0 || b > 255) throw new PickleError('bytes(): list item out of range');
      return b;
    });
  }
  throw new PickleError(`bytes(): unsupported argument ${describeValue(source)}`);
});

const setCtor = (frozen: boolean): GlobalEntry =>
  fn((args, ctx) => {
    const set = new PySet(frozen);
    const [items] = args;
    if (items === undefined) return set;
    const list = Array.isArray(items) ? items : items instanceof PyTuple ? items.items : null;
    if (!list) throw new PickleError(`set(): unsupported argument ${describeValue(items)}`);
    ctx.budget.charge(COST.object + COST.entry * list.length, `a set of ${list.length} items`);
    for (const item of list) {
      if (!isPyKey(item)) throw new PickleError(`set(): unhashable item ${describeValue(item)}`);
      set.items.add(item);
    }
    return set;
  });

const dictCtor = fn((args) => {
  if (args.length > 0) throw new PickleError('dict(): arguments are not supported');
  return new PyDict();
});

const NUMPY_SCALAR_TYPES = ['float64', 'float32', 'int64', 'int32', 'int16', 'int8', 'uint64', 'uint32', 'uint16', 'uint8', 'bool_', 'object_'];

function buildTable(): Map<string, GlobalEntry> {
  const table = new Map<string, GlobalEntry>();
  const add = (modules: readonly string[], name: string, entry: GlobalEntry): void => {
    for (const module of modules) table.set(`${module}\n${name}`, entry);
  };
  // scikit-learn estimators: new module path first, pre-0.22/0.24 path second.
  add(['sklearn.feature_extraction._dict_vectorizer', 'sklearn.feature_extraction.dict_vectorizer'], 'DictVectorizer', sklearnClass('DictVectorizer'));
  add(['sklearn.linear_model._base', 'sklearn.linear_model.base'], 'LinearRegression', sklearnClass('LinearRegression'));
  add(['sklearn.linear_model._ridge', 'sklearn.linear_model.ridge'], 'Ridge', sklearnClass('Ridge'));
  add(['sklearn.linear_model._coordinate_descent', 'sklearn.linear_model.coordinate_descent'], 'Lasso', sklearnClass('Lasso'));
  add(['sklearn.linear_model._coordinate_descent', 'sklearn.linear_model.coordinate_descent'], 'ElasticNet', sklearnClass('ElasticNet'));
  add(['sklearn.tree._classes', 'sklearn.tree.tree'], 'DecisionTreeRegressor', sklearnClass('DecisionTreeRegressor'));
  add(['sklearn.ensemble._forest', 'sklearn.ensemble.forest'], 'RandomForestRegressor', sklearnClass('RandomForestRegressor'));
  add(['sklearn.pipeline'], 'Pipeline', sklearnClass('Pipeline'));
  add(['sklearn.tree._tree'], 'Tree', sklearnClass('Tree'));
  // numpy 1.x (`numpy.core`) and 2.x (`numpy._core`).
  add(['numpy.core.multiarray', 'numpy._core.multiarray'], '_reconstruct', reconstruct);
  add(['numpy.core.multiarray', 'numpy._core.multiarray'], 'scalar', scalar);
  add(['numpy.core.numeric', 'numpy._core.numeric'], '_frombuffer', frombuffer);
  add(['numpy'], 'dtype', dtype);
  add(['numpy'], 'ndarray', { kind: 'type' });
  for (const name of NUMPY_SCALAR_TYPES) add(['numpy'], name, { kind: 'type', dtype: name });
  // Builtins that protocol 2 pickles need to spell bytes and sets.
  add(['_codecs'], 'encode', codecsEncode);
  add(['builtins', '__builtin__'], 'bytes', bytesCtor);
  add(['builtins', '__builtin__'], 'bytearray', bytesCtor);
  add(['builtins', '__builtin__'], 'set', setCtor(false));
  add(['builtins', '__builtin__'], 'frozenset', setCtor(true));
  add(['builtins', '__builtin__'], 'dict', dictCtor);
  return table;
}

export const ALLOWED_GLOBALS: ReadonlyMap<string, GlobalEntry> = buildTable();

/** The allow-list entry for `module.name`, or undefined when the global is forbidden. */
export function lookupGlobal(module: string, name: string): GlobalEntry | undefined {
  return ALLOWED_GLOBALS.get(`${module}\n${name}`);
}

/** Every allowed global as `module.name`, for documentation and tests. */
export function allowedGlobalNames(): string[] {
  return [...ALLOWED_GLOBALS.keys()].map((k) => k.replace('\n', '.'));
}
