import { quote } from '../../quote.js';
import { ModelLoadError } from '../errors.js';

/** The pickle stream is malformed or uses something this reader does not support. */
export class PickleError extends ModelLoadError {
  /** Byte offset of the opcode being executed when the error was raised (-1 when not applicable). */
  readonly offset: number;
  constructor(message: string, offset = -1, options?: { cause?: unknown }) {
    super(offset >= 0 ? `${message} (at byte ${offset})` : message, options);
    this.offset = offset;
  }
}

/** The stream ended before STOP, or an argument runs past the end of the data. */
export class TruncatedPickleError extends PickleError {}

/**
 * The pickle references a global (class or function) that is not on the allow-list.
 * Raised at GLOBAL/STACK_GLOBAL time, before anything is called or built.
 */
export class ForbiddenGlobalError extends PickleError {
  readonly module: string;
  readonly qualname: string;
  constructor(module: string, qualname: string, offset: number) {
    const hint = module.startsWith('joblib') ? ' (files written by joblib.dump are not supported; save the model with pickle.dump)' : '';
    super(`forbidden global ${quote(`${module}.${qualname}`, { bare: true })}: not on the model allow-list, refusing to load${hint}`, offset);
    this.module = module;
    this.qualname = qualname;
  }
}

/** A resource limit (array size, nesting depth, memo size, stack size) was exceeded. */
export class PickleLimitError extends PickleError {}
