/**
 * The Python values a pickle can produce here. Plain JS values stand in where the mapping is
 * one-to-one (None → null, bool, float → number, str → string, bytes → Uint8Array, list → array);
 * small classes cover what JS lacks (tuple, dict with non-string keys, set, allow-listed objects).
 */
import { quote } from '../../quote.js';
import type { GlobalEntry } from './globals.js';
import type { DType, NdArray } from './numpy.js';

/** A Python value after unpickling. Python ints outside ±2^53 become bigint. */
export type PyValue =
  | null
  | boolean
  | number
  | bigint
  | string
  | Uint8Array
  | PyValue[]
  | PyTuple
  | PyDict
  | PySet
  | PyGlobal
  | PyInstance
  | NdArray
  | DType;

/** Hashable keys this reader accepts in dicts and sets. */
export type PyKey = null | boolean | number | bigint | string;

export function isPyKey(value: PyValue): value is PyKey {
  const t = typeof value;
  return value === null || t === 'boolean' || t === 'number' || t === 'bigint' || t === 'string';
}

/** A Python tuple (immutable; distinct from a list). */
export class PyTuple {
  constructor(readonly items: readonly PyValue[]) {}
  get length(): number {
    return this.items.length;
  }
}

/**
 * A Python dict with insertion order preserved. Pairs set by the VM are kept flat until the first
 * lookup builds the Map, so a big dict that a consumer only scans (a DictVectorizer vocabulary)
 * costs no hashing at load.
 */
export class PyDict {
  private built: Map<PyKey, PyValue> | undefined;
  /** Flat key, value pairs not yet in {@link built}. Keys are validated by whoever adds them. */
  private pending: PyValue[] = [];

  /** The dict as a Map (built on first use). */
  get map(): Map<PyKey, PyValue> {
    let built = this.built;
    if (built === undefined) this.built = built = new Map();
    const { pending } = this;
    if (pending.length > 0) {
      for (let i = 0; i < pending.length; i += 2) built.set(pending[i] as PyKey, pending[i + 1] as PyValue);
      this.pending = [];
    }
    return built;
  }
  get(key: PyKey): PyValue | undefined {
    return this.map.get(key);
  }
  has(key: PyKey): boolean {
    return this.map.has(key);
  }
  set(key: PyKey, value: PyValue): void {
    if (this.built === undefined) this.pending.push(key, value);
    else this.map.set(key, value);
  }
  /** Adds `items[from..to)` as key, value pairs; keys must already be checked with {@link isPyKey}. */
  addPairs(items: readonly PyValue[], from: number, to: number): void {
    if (this.built !== undefined) {
      for (let i = from; i < to; i += 2) this.built.set(items[i] as PyKey, items[i + 1] as PyValue);
      return;
    }
    // Native bulk copies (slice + spread in bounded chunks) beat element-wise pushes here.
    const { pending } = this;
    for (let i = from; i < to; i += 8192) pending.push(...items.slice(i, Math.min(to, i + 8192)));
  }
  /**
   * The pairs in insertion order, flat (`[k0, v0, k1, v1, …]`, duplicates included), when the Map was
   * never built; undefined otherwise.
   */
  rawPairs(): readonly PyValue[] | undefined {
    return this.built === undefined ? this.pending : undefined;
  }
}

/** A Python set or frozenset. */
export class PySet {
  readonly items = new Set<PyKey>();
  constructor(readonly frozen: boolean) {}
}

/** A reference to an allow-listed global (class, function or type), as pushed by GLOBAL/STACK_GLOBAL. */
export class PyGlobal {
  constructor(
    readonly module: string,
    readonly name: string,
    readonly entry: GlobalEntry,
  ) {}
  get fullName(): string {
    return `${this.module}.${this.name}`;
  }
}

/**
 * An instance of an allow-listed class (a scikit-learn estimator or `Tree`). Nothing of the class
 * runs: the instance is a record of its constructor arguments and its `__setstate__` state.
 */
export class PyInstance {
  /** `__dict__` after BUILD (string-keyed attributes). */
  state: PyDict | undefined;
  constructor(
    readonly cls: PyGlobal,
    readonly args: readonly PyValue[],
  ) {}
  /** Canonical class name from the allow-list, e.g. `DictVectorizer`, independent of module path. */
  get className(): string {
    return this.cls.entry.kind === 'class' ? this.cls.entry.className : this.cls.name;
  }
  attr(name: string): PyValue | undefined {
    return this.state?.get(name);
  }
}

/** Short description of a value for error messages. */
export function describeValue(value: PyValue | undefined): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'None';
  if (Array.isArray(value)) return `list[${value.length}]`;
  if (value instanceof Uint8Array) return `bytes[${value.length}]`;
  if (value instanceof PyTuple) return `tuple[${value.length}]`;
  if (value instanceof PyDict) return `dict[${value.map.size}]`;
  if (value instanceof PySet) return value.frozen ? 'frozenset' : 'set';
  if (value instanceof PyGlobal) return `global ${value.fullName}`;
  if (value instanceof PyInstance) return `${value.className} instance`;
  if (typeof value === 'object') return value.describe();
  // A str comes from the file: quoted, escaped and cut like every file value in a message.
  if (typeof value === 'string') return `string ${quote(value, { maxChars: 40 })}`;
  return `${typeof value} ${String(value).slice(0, 40)}`;
}
