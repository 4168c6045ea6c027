/**
 * The pickle virtual machine: executes a pickle stream (protocols 2–5, plus the simple protocol-0/1
 * opcodes) without ever running code from it. Globals resolve only through the allow-list in
 * `globals.ts`; everything else is data. The loop is iterative (no recursion), every read is
 * bounds-checked, and every size the stream claims is checked against {@link PickleLimits}.
 */
import { Buffer } from 'node:buffer';
import { quote } from '../../quote.js';
import { ForbiddenGlobalError, PickleError, PickleLimitError, TruncatedPickleError } from './errors.js';
import { COST, LoadBudget } from './budget.js';
import { lookupGlobal } from './globals.js';
import type { CallContext } from './globals.js';
import { DEFAULT_PICKLE_LIMITS } from './limits.js';
import type { PickleLimits } from './limits.js';
import { DType, NdArray } from './numpy.js';
import { HIGHEST_PROTOCOL, OP, opcodeName } from './opcodes.js';
import { PyDict, PyGlobal, PyInstance, PySet, PyTuple, describeValue, isPyKey } from './values.js';
import type { PyValue } from './values.js';

export interface UnpickleOptions {
  /** Overrides of {@link DEFAULT_PICKLE_LIMITS}. */
  readonly limits?: Partial<PickleLimits>;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });
const MAX_LINE = 4096;

/**
 * Unpickles `data` into plain values and allow-listed objects.
 *
 * @example
 * ```ts
 * const value = unpickle(readFileSync('lin_reg.bin')); // PyTuple [DictVectorizer, LinearRegression]
 * ```
 * @throws {ForbiddenGlobalError} when the pickle names a global outside the allow-list
 * @throws {TruncatedPickleError} when the stream ends early
 * @throws {PickleLimitError} when a claimed size exceeds the limits, or the load its budget
 *   (`limits.ts`: 64 MiB + 16 x the file's length, at most 2 GiB, by default)
 * @throws {PickleError} for any other malformed or unsupported stream
 */
export function unpickle(data: Uint8Array, options: UnpickleOptions = {}): PyValue {
  const limits: PickleLimits = { ...DEFAULT_PICKLE_LIMITS, ...options.limits };
  const machine = new Machine(data, limits);
  try {
    return machine.run();
  } catch (err) {
    // Errors raised away from the stream (the budget, numpy's checks) get the opcode's offset here.
    if (err instanceof PickleError && err.offset < 0) {
      throw new (err.constructor as typeof PickleError)(err.message, machine.offset, { cause: err });
    }
    throw err;
  }
}

/** `Buffer.prototype.latin1Slice`, Node's binding behind `toString('latin1')`, where it exists. */
const LATIN1_SLICE = (Buffer.prototype as unknown as { latin1Slice?: (this: Buffer, start: number, end: number) => string }).latin1Slice;

class Machine {
  private pos = 0;
  private opStart = 0;
  private readonly view: DataView;
  private readonly buffer: Buffer;
  private readonly stack: PyValue[] = [];
  private readonly marks: number[] = [];
  private readonly memo: PyValue[] = [];
  private readonly ctx: CallContext;
  /** Everything this load allocates is charged here first (and, after it, the adapters' copies of its arrays). */
  private readonly budget: LoadBudget;

  constructor(
    private readonly data: Uint8Array,
    private readonly limits: PickleLimits,
  ) {
    this.view = new DataView(data.buffer, data.byteOffset, data.byteLength);
    this.buffer = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
    this.budget = new LoadBudget(limits, data.length);
    this.ctx = { budget: this.budget };
  }

  /** Byte offset of the opcode being executed. */
  get offset(): number {
    return this.opStart;
  }

  run(): PyValue {
    const { data } = this;
    const end = data.length;
    if (end === 0) throw new TruncatedPickleError('empty pickle', 0);
    for (;;) {
      const pos = this.pos;
      if (pos >= end) throw new TruncatedPickleError('pickle ended before STOP', pos);
      this.opStart = pos;
      const op = data[pos] as number;
      // Fast paths for the opcodes that make up a DictVectorizer vocabulary (99 % of the 53,000
      // opcodes of lin_reg.bin), taken in runs by two small loops. A cold start runs this in V8's
      // interpreter until the optimising compiler is done, and that compiler is quick only on
      // small functions, so the loops are kept apart from this one (and from `step`). Each loop
      // does exactly what `step` does when every check passes; on any doubt (truncation, a limit,
      // non-ASCII text, an empty memo slot) it stops, and `step` takes the opcode and reports it.
      if (op === OP.SHORT_BINUNICODE || op === OP.MEMOIZE) {
        const next = this.namesRun(pos);
        if (next !== pos) {
          this.pos = next;
          continue;
        }
      } else if (op === OP.LONG_BINGET || op === OP.BINGET || op === OP.BININT2 || op === OP.BININT1) {
        const next = this.memoAndIntsRun(pos);
        if (next !== pos) {
          this.pos = next;
          continue;
        }
      }
      this.pos = pos + 1;
      if (op === OP.STOP) {
        if (this.stack.length === 0) throw this.error('STOP with an empty stack');
        return this.stack[this.stack.length - 1] as PyValue;
      }
      this.step(op);
    }
  }

  /** From `pos`, `SHORT_BINUNICODE` and `MEMOIZE` opcodes (a list of names); returns where it stopped. */
  private namesRun(pos: number): number {
    const { data, stack, memo } = this;
    const end = data.length;
    const { maxStackSize, maxMemoIndex, maxStringBytes } = this.limits;
    // No MARK can come inside the run, so the floor MEMOIZE checks against stays put.
    const floor = this.marks.length > 0 ? (this.marks[this.marks.length - 1] as number) : 0;
    const latin1 = this.latin1Slicer();
    // Charged for the run when it stops: a string per SHORT_BINUNICODE, a slot per MEMOIZE (what
    // the run allocates is bounded by the bytes it reads, so charging after it is safe).
    const runStart = pos;
    let strings = 0;
    let memos = 0;
    for (;;) {
      const op = data[pos];
      if (op === OP.SHORT_BINUNICODE) {
        const start = pos + 2;
        if (start > end || stack.length >= maxStackSize) break;
        const length = data[pos + 1] as number;
        const stop = start + length;
        if (stop > end || length > maxStringBytes) break;
        let ascii = true;
        for (let i = start; i < stop; i++) if ((data[i] as number) >= 0x80) ascii = false;
        if (!ascii) break;
        stack.push(latin1(start, stop));
        strings++;
        pos = stop;
      } else if (op === OP.MEMOIZE) {
        if (stack.length <= floor || memo.length > maxMemoIndex) break;
        memo.push(stack[stack.length - 1] as PyValue);
        memos++;
        pos++;
      } else {
        break;
      }
    }
    // Each string costs its header and its bytes (at most the run's length), each MEMOIZE a slot.
    if (strings + memos > 0) this.budget.charge(strings * COST.string + memos * COST.slot + (pos - runStart), 'strings');
    return pos;
  }

  /** From `pos`, `LONG_BINGET`, `BINGET`, `BININT2` and `BININT1` opcodes (a dict's items); returns where it stopped. */
  private memoAndIntsRun(pos: number): number {
    const { data, stack, memo } = this;
    const end = data.length;
    const { maxStackSize } = this.limits;
    for (;;) {
      const op = data[pos];
      if (stack.length >= maxStackSize) return pos;
      if (op === OP.LONG_BINGET) {
        if (pos + 5 > end) return pos;
        const index =
          ((data[pos + 1] as number) | ((data[pos + 2] as number) << 8) | ((data[pos + 3] as number) << 16)) +
          (data[pos + 4] as number) * 0x1000000;
        const value = memo[index];
        if (value === undefined) return pos;
        stack.push(value);
        pos += 5;
      } else if (op === OP.BININT2) {
        if (pos + 3 > end) return pos;
        stack.push((data[pos + 1] as number) | ((data[pos + 2] as number) << 8));
        pos += 3;
      } else if (op === OP.BINGET) {
        if (pos + 2 > end) return pos;
        const value = memo[data[pos + 1] as number];
        if (value === undefined) return pos;
        stack.push(value);
        pos += 2;
      } else if (op === OP.BININT1) {
        if (pos + 2 > end) return pos;
        stack.push(data[pos + 1] as number);
        pos += 2;
      } else {
        return pos;
      }
    }
  }

  private error(message: string): PickleError {
    return new PickleError(`${opcodeName(this.data[this.opStart] ?? 0)}: ${message}`, this.opStart);
  }

  // ---- reading -------------------------------------------------------------------------------

  private need(n: number, what: string): void {
    if (n > this.data.length - this.pos) {
      throw new TruncatedPickleError(
        `pickle truncated: ${opcodeName(this.data[this.opStart] ?? 0)} needs ${n} bytes of ${what}, ${this.data.length - this.pos} left`,
        this.opStart,
      );
    }
  }
  private u8(): number {
    this.need(1, 'argument');
    return this.data[this.pos++] as number;
  }
  private u16(): number {
    this.need(2, 'argument');
    const v = this.view.getUint16(this.pos, true);
    this.pos += 2;
    return v;
  }
  private i32(): number {
    this.need(4, 'argument');
    const v = this.view.getInt32(this.pos, true);
    this.pos += 4;
    return v;
  }
  private u32(): number {
    this.need(4, 'argument');
    const v = this.view.getUint32(this.pos, true);
    this.pos += 4;
    return v;
  }
  private u64(): number {
    this.need(8, 'argument');
    const v = this.view.getBigUint64(this.pos, true);
    this.pos += 8;
    if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw new TruncatedPickleError(`length ${v} runs past the end of the pickle`, this.opStart);
    return Number(v);
  }
  private bytes(n: number): Uint8Array {
    if (n > this.limits.maxStringBytes) throw new PickleLimitError(`${n}-byte argument exceeds the limit`, this.opStart);
    this.need(n, 'data');
    const out = this.data.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }
  /**
   * `(start, stop) → data[start..stop)` as latin1 text (callers check it is ASCII, where latin1 =
   * UTF-8). Buffer's own binding, bound once, rather than `toString('latin1', …)`: the same C++ call
   * without the JS wrapper, which the optimising compiler would otherwise inline at ~7x the compile
   * time, and one call per string where a cold start interprets every call.
   */
  private latin1Slicer(): (start: number, stop: number) => string {
    const { buffer } = this;
    return LATIN1_SLICE === undefined ? (start, stop) => buffer.toString('latin1', start, stop) : LATIN1_SLICE.bind(buffer);
  }
  private text(n: number): string {
    if (n > this.limits.maxStringBytes) throw new PickleLimitError(`${n}-byte argument exceeds the limit`, this.opStart);
    this.need(n, 'data');
    const { data } = this;
    const start = this.pos;
    const end = start + n;
    this.pos = end;
    // Model pickles are mostly short ASCII names: decode those without allocating a view.
    let ascii = true;
    for (let i = start; i < end; i++) {
      if ((data[i] as number) >= 0x80) {
        ascii = false;
        break;
      }
    }
    // UTF-16 at worst: two bytes a character, at most one character a byte.
    this.budget.charge(COST.string + (ascii ? n : 2 * n), `a str of ${n} bytes`);
    if (ascii) return this.buffer.toString('latin1', start, end);
    try {
      return utf8.decode(data.subarray(start, end));
    } catch (cause) {
      throw new PickleError('string is not valid UTF-8', this.opStart, { cause });
    }
  }
  private latin1(raw: Uint8Array): string {
    this.budget.charge(COST.string + raw.length, `a str of ${raw.length} bytes`);
    let s = '';
    for (let i = 0; i < raw.length; i += 8192) s += String.fromCharCode(...raw.subarray(i, i + 8192));
    return s;
  }
  private line(): string {
    const end = this.data.indexOf(0x0a, this.pos);
    if (end < 0 || end - this.pos > MAX_LINE) {
      if (end < 0) throw new TruncatedPickleError('pickle truncated inside a text line', this.opStart);
      throw this.error('text argument too long');
    }
    const raw = this.data.subarray(this.pos, end);
    this.pos = end + 1;
    try {
      return utf8.decode(raw);
    } catch (cause) {
      throw new PickleError('text line is not valid UTF-8', this.opStart, { cause });
    }
  }

  // ---- stack ---------------------------------------------------------------------------------

  private push(value: PyValue): void {
    if (this.stack.length >= this.limits.maxStackSize) {
      throw new PickleLimitError(`stack grows past ${this.limits.maxStackSize} values (too deeply nested?)`, this.opStart);
    }
    this.stack.push(value);
  }
  private pop(): PyValue {
    const floor = this.marks.length > 0 ? (this.marks[this.marks.length - 1] as number) : 0;
    if (this.stack.length <= floor) throw this.error('stack underflow');
    return this.stack.pop() as PyValue;
  }
  private top(): PyValue {
    const floor = this.marks.length > 0 ? (this.marks[this.marks.length - 1] as number) : 0;
    if (this.stack.length <= floor) throw this.error('stack underflow');
    return this.stack[this.stack.length - 1] as PyValue;
  }
  private popMark(): PyValue[] {
    return this.stack.splice(this.popMarkIndex());
  }
  /** Pops the innermost MARK; the values above it stay on the stack for the caller to consume. */
  private popMarkIndex(): number {
    const mark = this.marks.pop();
    if (mark === undefined) throw this.error('no MARK on the stack');
    return mark;
  }
  private memoPut(index: number): void {
    if (index > this.limits.maxMemoIndex) throw new PickleLimitError(`memo index ${index} exceeds the limit`, this.opStart);
    this.budget.charge(COST.slot, 'a memo slot');
    this.memo[index] = this.top();
  }
  private memoGet(index: number): void {
    const value = this.memo[index];
    if (value === undefined) throw this.error(`memo entry ${index} was never stored`);
    this.push(value);
  }
  private int(value: bigint): number | bigint {
    return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : value;
  }
  /**
   * A little-endian two's-complement integer (`LONG1`, `LONG4`), in time linear in its length: its
   * bytes reversed into one hex string and parsed by `BigInt` at once (a shift and an or per byte
   * would copy the growing number each time: quadratic).
   */
  private long(raw: Uint8Array): number | bigint {
    if (raw.length === 0) return 0;
    if (raw.length > this.limits.maxLongBytes) {
      throw new PickleLimitError(`${raw.length}-byte integer exceeds the ${this.limits.maxLongBytes}-byte limit (maxLongBytes)`, this.opStart);
    }
    this.budget.charge(COST.object + 3 * raw.length, `an integer of ${raw.length} bytes`);
    let v = BigInt(`0x${Buffer.from(raw).reverse().toString('hex')}`);
    if (((raw[raw.length - 1] as number) & 0x80) !== 0) v -= 1n << BigInt(raw.length * 8);
    return this.int(v);
  }

  private global(module: string, name: string): PyGlobal {
    const entry = lookupGlobal(module, name);
    if (!entry) throw new ForbiddenGlobalError(module, name, this.opStart);
    this.budget.charge(COST.object, 'a global');
    return new PyGlobal(module, name, entry);
  }

  private call(callable: PyValue, args: readonly PyValue[]): PyValue {
    if (!(callable instanceof PyGlobal)) throw this.error(`cannot call ${describeValue(callable)}`);
    const { entry } = callable;
    switch (entry.kind) {
      case 'function':
        try {
          return entry.call(args, this.ctx);
        } catch (err) {
          if (err instanceof PickleError && err.offset < 0) {
            throw new (err.constructor as typeof PickleError)(`${callable.fullName}: ${err.message}`, this.opStart, { cause: err });
          }
          throw err;
        }
      case 'class':
        return this.instance(callable, args);
      case 'type':
        throw this.error(`calling ${callable.fullName} is not supported`);
    }
  }

  private instance(cls: PyGlobal, args: readonly PyValue[]): PyInstance {
    this.budget.charge(COST.object + COST.slot * args.length, `a ${cls.name} instance`);
    return new PyInstance(cls, args);
  }

  private build(target: PyValue, state: PyValue): void {
    try {
      if (target instanceof NdArray) {
        target.setState(state);
      } else if (target instanceof DType) {
        // A structured dtype's state builds a field map: an entry per name of its names tuple.
        const names = state instanceof PyTuple ? state.items[3] : undefined;
        if (names instanceof PyTuple) this.budget.charge(COST.object + COST.entry * names.length, `a dtype of ${names.length} fields`);
        target.setState(state);
      } else if (target instanceof PyInstance) {
        let dict: PyValue = state;
        let slots: PyValue = null;
        if (state instanceof PyTuple && state.length === 2) [dict = null, slots = null] = state.items;
        const parts: PyDict[] = [];
        for (const part of [dict, slots]) {
          if (part === null) continue;
          if (!(part instanceof PyDict)) throw this.error(`${target.className} state is ${describeValue(part)}, expected a dict`);
          parts.push(part);
        }
        // Every BUILD copies its state into the object's own dict: one memoised state given to
        // many objects is as many copies.
        const entries = parts.reduce((n, part) => n + part.map.size, 0);
        this.budget.charge(COST.object + COST.entry * entries, `the state of a ${target.className} (${entries} entries)`);
        const merged = target.state ?? new PyDict();
        for (const part of parts) for (const [k, v] of part.map) merged.set(k, v);
        target.state = merged;
      } else {
        throw this.error(`cannot set the state of ${describeValue(target)}`);
      }
    } catch (err) {
      if (err instanceof PickleError && err.offset < 0) {
        throw new (err.constructor as typeof PickleError)(err.message, this.opStart, { cause: err });
      }
      throw err;
    }
  }

  /** Sets `items[from..to)` (key, value pairs) on a dict. */
  private setItems(target: PyValue, items: readonly PyValue[], from = 0, to = items.length): void {
    if (!(target instanceof PyDict)) throw this.error(`cannot set items on ${describeValue(target)}`);
    if ((to - from) % 2 !== 0) throw this.error('odd number of items for a dict');
    this.budget.charge(COST.entry * ((to - from) / 2), `${(to - from) / 2} dict items`);
    for (let i = from; i < to; i += 2) {
      const key = items[i] as PyValue;
      // The common keys tested inline: a cold start runs this loop in the interpreter, where a
      // call per key (13,221 for lin_reg.bin's vocabulary) costs more than the test.
      if (typeof key !== 'string' && typeof key !== 'number' && !isPyKey(key)) throw this.error(`unsupported dict key ${describeValue(key)}`);
    }
    target.addPairs(items, from, to);
  }

  /** Appends `items[from..to)` to a list. */
  private appendItems(target: PyValue, items: readonly PyValue[], from = 0, to = items.length): void {
    if (!Array.isArray(target)) throw this.error(`cannot append to ${describeValue(target)}`);
    this.budget.charge(COST.slot * (to - from), `${to - from} list items`);
    // Native bulk copies (slice + spread in bounded chunks) rather than a push per item, which a
    // cold start runs in the interpreter.
    for (let i = from; i < to; i += 8192) target.push(...items.slice(i, Math.min(to, i + 8192)));
  }

  private addItems(target: PyValue, items: readonly PyValue[]): void {
    if (!(target instanceof PySet) || target.frozen) throw this.error(`cannot add to ${describeValue(target)}`);
    this.budget.charge(COST.entry * items.length, `${items.length} set items`);
    for (const item of items) {
      if (!isPyKey(item)) throw this.error(`unhashable set item ${describeValue(item)}`);
      target.items.add(item);
    }
  }

  private tuple(items: readonly PyValue[]): PyTuple {
    this.budget.charge(COST.object + COST.slot * items.length, `a tuple of ${items.length} items`);
    return new PyTuple(items);
  }

  /** A new empty list, dict or set. */
  private empty<T extends PyValue>(value: T): T {
    this.budget.charge(COST.object, 'a container');
    return value;
  }

  private step(op: number): void {
    switch (op) {
      case OP.PROTO: {
        const proto = this.u8();
        if (proto > HIGHEST_PROTOCOL) throw this.error(`unsupported pickle protocol ${proto}`);
        return;
      }
      case OP.FRAME: {
        const length = this.u64();
        if (length > this.data.length - this.pos) {
          throw new TruncatedPickleError(`pickle truncated: frame of ${length} bytes, ${this.data.length - this.pos} left`, this.opStart);
        }
        return;
      }
      case OP.MARK:
        if (this.marks.length >= this.limits.maxMarkDepth) {
          throw new PickleLimitError(`nesting deeper than ${this.limits.maxMarkDepth} levels`, this.opStart);
        }
        this.marks.push(this.stack.length);
        return;
      case OP.POP:
        if (this.marks.length > 0 && this.stack.length === this.marks[this.marks.length - 1]) this.marks.pop();
        else this.pop();
        return;
      case OP.POP_MARK:
        this.popMark();
        return;
      case OP.DUP:
        this.push(this.top());
        return;
      case OP.NONE:
        this.push(null);
        return;
      case OP.NEWTRUE:
        this.push(true);
        return;
      case OP.NEWFALSE:
        this.push(false);
        return;
      case OP.BININT:
        this.push(this.i32());
        return;
      case OP.BININT1:
        this.push(this.u8());
        return;
      case OP.BININT2:
        this.push(this.u16());
        return;
      case OP.LONG1:
        this.push(this.long(this.bytes(this.u8())));
        return;
      case OP.LONG4: {
        const n = this.i32();
        if (n < 0) throw this.error('negative LONG4 length');
        this.push(this.long(this.bytes(n)));
        return;
      }
      case OP.INT: {
        const line = this.line();
        if (line === '00') this.push(false);
        else if (line === '01') this.push(true);
        else if (/^[+-]?\d+$/.test(line)) this.push(this.int(BigInt(line)));
        else throw this.error(`bad INT ${quote(line)}`);
        return;
      }
      case OP.LONG: {
        const line = this.line().replace(/L$/, '');
        if (!/^[+-]?\d+$/.test(line)) throw this.error(`bad LONG ${quote(line)}`);
        this.push(this.int(BigInt(line)));
        return;
      }
      case OP.FLOAT: {
        const line = this.line();
        const value = Number(line);
        if (line.trim() === '' || (Number.isNaN(value) && !/^[+-]?nan$/i.test(line))) throw this.error(`bad FLOAT ${quote(line)}`);
        this.push(value);
        return;
      }
      case OP.BINFLOAT: {
        this.need(8, 'argument');
        this.push(this.view.getFloat64(this.pos, false));
        this.pos += 8;
        return;
      }
      case OP.SHORT_BINUNICODE:
        this.push(this.text(this.u8()));
        return;
      case OP.BINUNICODE:
        this.push(this.text(this.u32()));
        return;
      case OP.BINUNICODE8:
        this.push(this.text(this.u64()));
        return;
      case OP.SHORT_BINSTRING:
        this.push(this.latin1(this.bytes(this.u8())));
        return;
      case OP.BINSTRING: {
        const n = this.i32();
        if (n < 0) throw this.error('negative BINSTRING length');
        this.push(this.latin1(this.bytes(n)));
        return;
      }
      // bytes are views of the file; a bytearray is a copy.
      case OP.SHORT_BINBYTES:
        this.push(this.empty(this.bytes(this.u8())));
        return;
      case OP.BINBYTES:
        this.push(this.empty(this.bytes(this.u32())));
        return;
      case OP.BINBYTES8:
        this.push(this.empty(this.bytes(this.u64())));
        return;
      case OP.BYTEARRAY8: {
        const view = this.bytes(this.u64());
        this.budget.charge(COST.object + view.length, `a bytearray of ${view.length} bytes`);
        this.push(view.slice());
        return;
      }
      case OP.EMPTY_TUPLE:
        this.push(this.tuple([]));
        return;
      case OP.TUPLE1:
        this.push(this.tuple([this.pop()]));
        return;
      case OP.TUPLE2: {
        const b = this.pop();
        const a = this.pop();
        this.push(this.tuple([a, b]));
        return;
      }
      case OP.TUPLE3: {
        const c = this.pop();
        const b = this.pop();
        const a = this.pop();
        this.push(this.tuple([a, b, c]));
        return;
      }
      case OP.TUPLE:
        this.push(this.tuple(this.popMark()));
        return;
      case OP.EMPTY_LIST:
        this.push(this.empty([]));
        return;
      case OP.LIST: {
        const items = this.popMark();
        this.budget.charge(COST.object + COST.slot * items.length, `a list of ${items.length} items`);
        this.push(items);
        return;
      }
      case OP.APPEND: {
        const item = this.pop();
        this.appendItems(this.top(), [item]);
        return;
      }
      case OP.APPENDS: {
        // Consume the items in place instead of splicing them out: no garbage per batch.
        const mark = this.popMarkIndex();
        const { stack } = this;
        const end = stack.length;
        if (mark === 0 || mark <= (this.marks.length > 0 ? (this.marks[this.marks.length - 1] as number) : 0)) throw this.error('stack underflow');
        this.appendItems(stack[mark - 1] as PyValue, stack, mark, end);
        stack.length = mark;
        return;
      }
      case OP.EMPTY_DICT:
        this.push(this.empty(new PyDict()));
        return;
      case OP.DICT: {
        const dict = this.empty(new PyDict());
        this.setItems(dict, this.popMark());
        this.push(dict);
        return;
      }
      case OP.SETITEM: {
        const value = this.pop();
        const key = this.pop();
        this.setItems(this.top(), [key, value]);
        return;
      }
      case OP.SETITEMS: {
        const mark = this.popMarkIndex();
        const { stack } = this;
        const end = stack.length;
        if (mark === 0 || mark <= (this.marks.length > 0 ? (this.marks[this.marks.length - 1] as number) : 0)) throw this.error('stack underflow');
        this.setItems(stack[mark - 1] as PyValue, stack, mark, end);
        stack.length = mark;
        return;
      }
      case OP.EMPTY_SET:
        this.push(this.empty(new PySet(false)));
        return;
      case OP.ADDITEMS: {
        const items = this.popMark();
        this.addItems(this.top(), items);
        return;
      }
      case OP.FROZENSET: {
        const set = this.empty(new PySet(false));
        this.addItems(set, this.popMark());
        this.budget.charge(COST.object + COST.entry * set.items.size, `a frozenset of ${set.items.size} items`);
        const frozen = new PySet(true);
        for (const item of set.items) frozen.items.add(item);
        this.push(frozen);
        return;
      }
      case OP.BINGET:
        this.memoGet(this.u8());
        return;
      case OP.LONG_BINGET:
        this.memoGet(this.u32());
        return;
      case OP.GET: {
        const line = this.line();
        if (!/^\d+$/.test(line)) throw this.error(`bad GET index ${quote(line)}`);
        this.memoGet(Number(line));
        return;
      }
      case OP.BINPUT:
        this.memoPut(this.u8());
        return;
      case OP.LONG_BINPUT:
        this.memoPut(this.u32());
        return;
      case OP.PUT: {
        const line = this.line();
        if (!/^\d+$/.test(line)) throw this.error(`bad PUT index ${quote(line)}`);
        this.memoPut(Number(line));
        return;
      }
      case OP.MEMOIZE:
        this.memoPut(this.memo.length);
        return;
      case OP.GLOBAL: {
        const module = this.line();
        const name = this.line();
        this.push(this.global(module, name));
        return;
      }
      case OP.STACK_GLOBAL: {
        const name = this.pop();
        const module = this.pop();
        if (typeof module !== 'string' || typeof name !== 'string') throw this.error('module and name must be strings');
        this.push(this.global(module, name));
        return;
      }
      case OP.REDUCE: {
        const args = this.pop();
        const callable = this.pop();
        if (!(args instanceof PyTuple)) throw this.error(`arguments are ${describeValue(args)}, expected a tuple`);
        this.push(this.call(callable, args.items));
        return;
      }
      case OP.NEWOBJ: {
        const args = this.pop();
        const cls = this.pop();
        if (!(args instanceof PyTuple)) throw this.error(`arguments are ${describeValue(args)}, expected a tuple`);
        if (!(cls instanceof PyGlobal) || cls.entry.kind !== 'class') throw this.error(`cannot instantiate ${describeValue(cls)}`);
        this.push(this.instance(cls, args.items));
        return;
      }
      case OP.NEWOBJ_EX: {
        const kwargs = this.pop();
        const args = this.pop();
        const cls = this.pop();
        if (!(args instanceof PyTuple)) throw this.error(`arguments are ${describeValue(args)}, expected a tuple`);
        if (!(kwargs instanceof PyDict) || kwargs.map.size > 0) throw this.error('keyword arguments are not supported');
        if (!(cls instanceof PyGlobal) || cls.entry.kind !== 'class') throw this.error(`cannot instantiate ${describeValue(cls)}`);
        this.push(this.instance(cls, args.items));
        return;
      }
      case OP.BUILD: {
        const state = this.pop();
        this.build(this.top(), state);
        return;
      }
      case OP.PERSID:
      case OP.BINPERSID:
        throw this.error('persistent ids are not supported');
      case OP.EXT1:
      case OP.EXT2:
      case OP.EXT4:
        throw this.error('extension registry codes are not supported');
      case OP.NEXT_BUFFER:
      case OP.READONLY_BUFFER:
        throw this.error('out-of-band buffers are not supported (pickle without buffer_callback)');
      case OP.INST:
      case OP.OBJ:
      case OP.STRING:
      case OP.UNICODE:
        throw this.error('protocol 0/1 object and text-string opcodes are not supported; re-pickle with protocol >= 2');
      default:
        throw new PickleError(`unknown opcode ${opcodeName(op)}`, this.opStart);
    }
  }
}
