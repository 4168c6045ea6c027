/**
 * Safe pickle reader: a pickle VM that builds plain data and allow-listed scikit-learn/numpy
 * objects only. See `globals.ts` for the allow-list, `limits.ts` for the resource bounds and
 * `budget.ts` for the load budget every allocation is charged to.
 */
export { unpickle } from './machine.js';
export type { UnpickleOptions } from './machine.js';
export { DEFAULT_PICKLE_LIMITS, loadBudgetBytes } from './limits.js';
export { COST, LoadBudget } from './budget.js';
export type { PickleLimits } from './limits.js';
export { ForbiddenGlobalError, PickleError, PickleLimitError, TruncatedPickleError } from './errors.js';
export { ALLOWED_GLOBALS, allowedGlobalNames, lookupGlobal } from './globals.js';
export type { GlobalEntry } from './globals.js';
export { DType, NdArray } from './numpy.js';
export { PyDict, PyGlobal, PyInstance, PySet, PyTuple, describeValue } from './values.js';
export type { PyKey, PyValue } from './values.js';
export { OP, opcodeName } from './opcodes.js';
