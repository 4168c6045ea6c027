/**
 * numpy arrays and dtypes as pickled by `ndarray.__reduce__` (`_reconstruct` + `__setstate__`),
 * `ndarray.__reduce_ex__(5)` (`_frombuffer`) and `numpy.core.multiarray.scalar`. Arrays keep their
 * raw bytes; readers decode elements by dtype (kind, size, byte order) on demand, so structured
 * records of any layout (56- or 64-byte tree nodes) are read by field name and offset.
 */
import { LITTLE_ENDIAN_HOST } from '../endian.js';
import { quote } from '../../quote.js';
import { COST } from './budget.js';
import type { LoadBudget } from './budget.js';
import { PickleError, PickleLimitError } from './errors.js';
import { PyDict, PyTuple, describeValue } from './values.js';
import type { PyValue } from './values.js';

type ByteOrder = '<' | '>' | '|';
const NUMERIC_KINDS = new Set(['f', 'i', 'u', 'b']);
const VALID_SIZES: Readonly<Record<string, readonly number[]>> = {
  f: [4, 8],
  i: [1, 2, 4, 8],
  u: [1, 2, 4, 8],
  b: [1],
  O: [4, 8],
};

export interface DTypeField {
  readonly dtype: DType;
  readonly offset: number;
}

/** A numpy dtype: scalar (`<f8`, `<i8`, `|u1`, `|b1`, `|O`), raw void (`V56`) or structured. */
export class DType {
  byteOrder: ByteOrder;
  itemSize: number;
  /** Field names in order, for structured dtypes. */
  names: readonly string[] | null = null;
  fields: ReadonlyMap<string, DTypeField> | null = null;

  constructor(
    readonly kind: string,
    itemSize: number,
    byteOrder: ByteOrder,
  ) {
    this.itemSize = itemSize;
    this.byteOrder = byteOrder;
  }

  /** `numpy.dtype(spec, align, copy)` as called by REDUCE, e.g. `('f8', False, True)`. */
  static fromSpec(spec: PyValue | undefined): DType {
    if (typeof spec !== 'string') throw new PickleError(`numpy.dtype: expected a type string, got ${describeValue(spec)}`);
    const m = /^([<>|=]?)([a-zA-Z])(\d*)(\[[A-Za-z0-9]+\])?$/.exec(spec);
    if (!m) throw new PickleError(`numpy.dtype: unsupported type string ${quote(spec)}`);
    const order = m[1] === '>' ? '>' : m[1] === '|' ? '|' : '<';
    const kind = m[2] ?? '';
    const digits = m[3] ?? '';
    if (kind === 'V' || kind === 'S' || kind === 'U') {
      // Raw, byte-string and unicode arrays are carried (an estimator may hold one it does not
      // need for scoring) but never read as numbers.
      const count = digits === '' ? 0 : Number(digits);
      const size = kind === 'U' ? count * 4 : count;
      if (!Number.isSafeInteger(size) || size < 0 || size > 1 << 20) throw new PickleError(`numpy.dtype: bad size in ${quote(spec)}`);
      return new DType(kind, size, kind === 'U' && size > 0 ? order : '|');
    }
    if (kind === 'M' || kind === 'm' || kind === 'c') {
      const size = digits === '' ? 8 : Number(digits);
      if (![8, 16].includes(size)) throw new PickleError(`numpy.dtype: unsupported size in ${quote(spec)}`);
      return new DType(kind, size, order);
    }
    const sizes = VALID_SIZES[kind];
    if (!sizes) throw new PickleError(`numpy.dtype: unsupported kind ${quote(kind)} in ${quote(spec)}`);
    const size = digits === '' ? defaultSize(kind) : Number(digits);
    if (!sizes.includes(size)) throw new PickleError(`numpy.dtype: unsupported size in ${quote(spec)}`);
    return new DType(kind, size, size === 1 || kind === 'O' ? '|' : order);
  }

  /** `dtype.__setstate__((version, endian, subarray, names, fields, elsize, alignment, flags[, metadata]))`. */
  setState(state: PyValue): void {
    if (!(state instanceof PyTuple) || state.length < 6) {
      throw new PickleError(`numpy.dtype state: expected a tuple of at least 6 items, got ${describeValue(state)}`);
    }
    const [, endian, subarray, names, fields, elsize] = state.items;
    if (endian === '<' || endian === '>' || endian === '|') this.byteOrder = this.itemSize === 1 ? '|' : endian;
    else if (endian === '=') this.byteOrder = this.itemSize === 1 ? '|' : '<';
    else throw new PickleError(`numpy.dtype state: bad byte order ${describeValue(endian)}`);
    if (subarray !== null && subarray !== undefined) throw new PickleError('numpy.dtype state: sub-array dtypes are not supported');
    if (names === null || names === undefined) return;
    if (!(names instanceof PyTuple) || !(fields instanceof PyDict)) {
      throw new PickleError('numpy.dtype state: structured dtype without names tuple and fields dict');
    }
    if (typeof elsize !== 'number' || !Number.isSafeInteger(elsize) || elsize <= 0) {
      throw new PickleError(`numpy.dtype state: bad structured itemsize ${describeValue(elsize)}`);
    }
    this.itemSize = elsize;
    const fieldMap = new Map<string, DTypeField>();
    const order: string[] = [];
    for (const name of names.items) {
      if (typeof name !== 'string') throw new PickleError('numpy.dtype state: field name is not a string');
      const spec = fields.get(name);
      if (!(spec instanceof PyTuple) || spec.length < 2) throw new PickleError(`numpy.dtype state: field ${quote(name)} has no (dtype, offset)`);
      const [fieldType, offset] = spec.items;
      if (!(fieldType instanceof DType) || fieldType.fields !== null) {
        throw new PickleError(`numpy.dtype state: field ${quote(name)} is not a scalar dtype`);
      }
      if (typeof offset !== 'number' || !Number.isSafeInteger(offset) || offset < 0 || offset + fieldType.itemSize > elsize) {
        throw new PickleError(`numpy.dtype state: field ${quote(name)} offset ${describeValue(offset)} outside the ${elsize}-byte record`);
      }
      fieldMap.set(name, { dtype: fieldType, offset });
      order.push(name);
    }
    this.names = order;
    this.fields = fieldMap;
  }

  get isObject(): boolean {
    return this.kind === 'O';
  }

  get isNumeric(): boolean {
    return NUMERIC_KINDS.has(this.kind) && this.fields === null;
  }

  /** numpy's string form, e.g. `<f8`, `|V56`. */
  get str(): string {
    return `${this.byteOrder}${this.kind}${this.itemSize}`;
  }

  describe(): string {
    return this.fields ? `dtype{${this.names?.map((name) => quote(name, { bare: true, maxChars: 40 })).join(',')}}[${this.itemSize}]` : `dtype ${this.str}`;
  }

  /** Reads one numeric element at `offset` of `view`. */
  read(view: DataView, offset: number): number {
    const le = this.byteOrder !== '>';
    switch (this.kind) {
      case 'f':
        return this.itemSize === 8 ? view.getFloat64(offset, le) : view.getFloat32(offset, le);
      case 'i':
        switch (this.itemSize) {
          case 1: return view.getInt8(offset);
          case 2: return view.getInt16(offset, le);
          case 4: return view.getInt32(offset, le);
          default: return Number(view.getBigInt64(offset, le));
        }
      case 'u':
      case 'b':
        switch (this.itemSize) {
          case 1: return view.getUint8(offset);
          case 2: return view.getUint16(offset, le);
          case 4: return view.getUint32(offset, le);
          default: return Number(view.getBigUint64(offset, le));
        }
      default:
        throw new PickleError(`cannot read ${this.describe()} as a number`);
    }
  }
}

function defaultSize(kind: string): number {
  switch (kind) {
    case 'b': return 1;
    case 'O': return 8;
    case 'f': return 8;
    case 'i': case 'u': return 8;
    default: return 0;
  }
}

/** A numpy ndarray: dtype, shape, memory order and raw element bytes (or items, for object arrays). */
export class NdArray {
  shape: readonly number[] = [0];
  fortran = false;
  size = 0;
  private bytes: Uint8Array = new Uint8Array(0);
  private objects: PyValue[] | null = null;

  /**
   * @param budget the load's budget: the array's bytes are charged to it when BUILD gives them, and
   *   so is every copy made of them (by this class or by the scikit-learn adapters).
   */
  constructor(
    public dtype: DType,
    readonly budget: LoadBudget,
  ) {}

  /** `numpy.core.multiarray._reconstruct(ndarray, (0,), b'b')`: an empty array awaiting BUILD. */
  static reconstruct(budget: LoadBudget): NdArray {
    return new NdArray(new DType('u', 1, '|'), budget);
  }

  /** `ndarray.__setstate__((version, shape, dtype, is_fortran, rawdata))` (version optional). */
  setState(state: PyValue): void {
    if (!(state instanceof PyTuple) || (state.length !== 5 && state.length !== 4)) {
      throw new PickleError(`ndarray state: expected a 4- or 5-tuple, got ${describeValue(state)}`);
    }
    const items = state.length === 5 ? state.items.slice(1) : state.items;
    const [shape, dtype, fortran, raw] = items;
    if (!(dtype instanceof DType)) throw new PickleError(`ndarray state: dtype is ${describeValue(dtype)}`);
    this.init(dtype, shape, fortran === true || fortran === 1, raw);
  }

  /** `_frombuffer(buffer, dtype, shape, order)` of protocol-5 pickles. */
  static fromBuffer(budget: LoadBudget, args: readonly PyValue[]): NdArray {
    const [buffer, dtype, shape, order] = args;
    if (!(dtype instanceof DType)) throw new PickleError(`_frombuffer: dtype is ${describeValue(dtype)}`);
    if (dtype.isObject) throw new PickleError('_frombuffer: object arrays cannot come from a buffer');
    const array = new NdArray(dtype, budget);
    array.init(dtype, shape, order === 'F', buffer);
    return array;
  }

  private init(dtype: DType, shape: PyValue | undefined, fortran: boolean, raw: PyValue | undefined): void {
    if (!(shape instanceof PyTuple)) throw new PickleError(`ndarray: shape is ${describeValue(shape)}`);
    const dims = shape.items.map((d) => {
      if (typeof d === 'bigint') throw new PickleLimitError(`numpy array dimension ${d} is absurdly large`);
      if (typeof d !== 'number') throw new PickleError(`ndarray: shape entry is ${describeValue(d)}`);
      return d;
    });
    const size = this.budget.claimArray(dims, dtype.isObject ? 8 : dtype.itemSize);
    this.dtype = dtype;
    this.shape = dims;
    this.fortran = fortran;
    this.size = size;
    if (dtype.isObject) {
      if (!Array.isArray(raw) || raw.length !== size) {
        throw new PickleError(`ndarray: object array of ${size} elements needs a list of ${size} items, got ${describeValue(raw)}`);
      }
      this.objects = raw;
      return;
    }
    if (!(raw instanceof Uint8Array)) throw new PickleError(`ndarray: raw data is ${describeValue(raw)}`);
    const expected = size * dtype.itemSize;
    if (raw.length !== expected) {
      throw new PickleError(
        `ndarray: shape (${dims.join(', ')}) of ${dtype.str} needs ${expected} bytes, the pickle has ${raw.length}`,
      );
    }
    this.bytes = raw;
  }

  describe(): string {
    return `ndarray ${this.dtype.describe()} (${this.shape.join(', ')})`;
  }

  /** Items of an object array, in C order. */
  toObjects(): PyValue[] {
    if (!this.objects) throw new PickleError(`expected an object array, got ${this.describe()}`);
    if (this.fortran && this.shape.length > 1) this.budget.charge(COST.object + COST.slot * this.size, `a copy of ${this.describe()}`);
    return this.cOrder(this.objects);
  }

  /** Elements of a numeric array as float64, in C order. */
  toFloat64(): Float64Array {
    const { dtype } = this;
    if (!dtype.isNumeric) throw new PickleError(`expected a numeric array, got ${this.describe()}`);
    // A Fortran-ordered copy goes through a JS array of numbers (heap numbers: 16 bytes or more each).
    const reorders = this.fortran && this.shape.length > 1;
    this.budget.charge(COST.object + this.size * (reorders ? 8 + 8 + 24 : 8), `a float64 copy of ${this.describe()}`);
    let out: Float64Array;
    if (dtype.kind === 'f' && dtype.itemSize === 8 && dtype.byteOrder === '<' && LITTLE_ENDIAN_HOST) {
      // Aligned copy, no per-element decode. (Buffer#slice would share memory, hence the explicit copy.)
      const copy = new Uint8Array(this.bytes.length);
      copy.set(this.bytes);
      out = new Float64Array(copy.buffer);
    } else {
      out = new Float64Array(this.size);
      const view = new DataView(this.bytes.buffer, this.bytes.byteOffset, this.bytes.byteLength);
      const step = dtype.itemSize;
      for (let i = 0; i < out.length; i++) out[i] = dtype.read(view, i * step);
    }
    return reorders ? Float64Array.from(this.cOrder(Array.from(out))) : out;
  }

  /** One field of a structured array (1-D), as float64 per record. */
  field(name: string): Float64Array {
    const field = this.dtype.fields?.get(name);
    if (!field) throw new PickleError(`${this.describe()} has no field ${quote(name)}`);
    if (!field.dtype.isNumeric) throw new PickleError(`field ${quote(name)} of ${this.describe()} is not numeric`);
    this.budget.charge(COST.object + 8 * this.size, `field ${quote(name)} of ${this.describe()}`);
    const out = new Float64Array(this.size);
    const view = new DataView(this.bytes.buffer, this.bytes.byteOffset, this.bytes.byteLength);
    const step = this.dtype.itemSize;
    for (let i = 0; i < out.length; i++) out[i] = field.dtype.read(view, i * step + field.offset);
    return out;
  }

  hasField(name: string): boolean {
    return this.dtype.fields?.has(name) ?? false;
  }

  /** Reorders Fortran-ordered elements into C order (identity for C order and 1-D). */
  private cOrder<T>(items: T[]): T[] {
    if (!this.fortran || this.shape.length < 2) return items;
    const dims = this.shape;
    const n = dims.length;
    const fStrides = new Array<number>(n);
    let stride = 1;
    for (let k = 0; k < n; k++) {
      fStrides[k] = stride;
      stride *= dims[k] ?? 1;
    }
    const out = new Array<T>(items.length);
    const index = new Array<number>(n).fill(0);
    for (let c = 0; c < items.length; c++) {
      let f = 0;
      for (let k = 0; k < n; k++) f += (index[k] ?? 0) * (fStrides[k] ?? 0);
      out[c] = items[f] as T;
      for (let k = n - 1; k >= 0; k--) {
        const next = (index[k] ?? 0) + 1;
        if (next < (dims[k] ?? 1)) {
          index[k] = next;
          break;
        }
        index[k] = 0;
      }
    }
    return out;
  }
}

/** `numpy.core.multiarray.scalar(dtype, bytes)`: one numpy scalar as a JS number. */
export function numpyScalar(args: readonly PyValue[]): PyValue {
  const [dtype, data] = args;
  if (!(dtype instanceof DType)) throw new PickleError(`numpy scalar: dtype is ${describeValue(dtype)}`);
  if (dtype.isObject) return data ?? null;
  if (!dtype.isNumeric) throw new PickleError(`numpy scalar of ${dtype.describe()} is not supported`);
  if (!(data instanceof Uint8Array) || data.length !== dtype.itemSize) {
    throw new PickleError(`numpy scalar: ${dtype.str} needs ${dtype.itemSize} bytes, got ${describeValue(data)}`);
  }
  const value = dtype.read(new DataView(data.buffer, data.byteOffset, data.byteLength), 0);
  return dtype.kind === 'b' ? value !== 0 : value;
}
