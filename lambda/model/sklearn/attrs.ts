/** Typed access to the attributes of unpickled estimators, with errors that name what is missing. */
import { UnsupportedModelError } from '../errors.js';
import { NdArray, PyDict, PyInstance, describeValue } from '../pickle/index.js';
import type { PyValue } from '../pickle/index.js';

export function attr(obj: PyInstance, name: string): PyValue {
  const value = obj.attr(name);
  if (value === undefined) throw new UnsupportedModelError(`${obj.className} has no attribute ${name} (not fitted?)`);
  return value;
}

export function numberAttr(obj: PyInstance, name: string): number {
  const value = attr(obj, name);
  if (typeof value !== 'number') throw new UnsupportedModelError(`${obj.className}.${name} is ${describeValue(value)}, expected a number`);
  return value;
}

export function stringAttr(obj: PyInstance, name: string): string {
  const value = attr(obj, name);
  if (typeof value !== 'string') throw new UnsupportedModelError(`${obj.className}.${name} is ${describeValue(value)}, expected a str`);
  return value;
}

export function arrayAttr(obj: PyInstance, name: string): NdArray {
  const value = attr(obj, name);
  if (!(value instanceof NdArray)) throw new UnsupportedModelError(`${obj.className}.${name} is ${describeValue(value)}, expected an ndarray`);
  return value;
}

export function dictAttr(obj: PyInstance, name: string): PyDict {
  const value = attr(obj, name);
  if (!(value instanceof PyDict)) throw new UnsupportedModelError(`${obj.className}.${name} is ${describeValue(value)}, expected a dict`);
  return value;
}

export function instanceOf(value: PyValue | undefined, ...classNames: string[]): value is PyInstance {
  return value instanceof PyInstance && classNames.includes(value.className);
}

/** `_sklearn_version` recorded by scikit-learn >= 0.24 in every estimator's state. */
export function sklearnVersionOf(obj: PyInstance): string | undefined {
  const v = obj.attr('_sklearn_version');
  return typeof v === 'string' ? v : undefined;
}
