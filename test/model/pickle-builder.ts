/**
 * Hand-assembles pickle streams opcode by opcode, for cases Python's pickler will not write on its
 * own (hostile globals, absurd shapes, big-endian or Fortran arrays without numpy installed).
 */
import { OP } from '../../lambda/model/pickle/index.js';

export class PickleBuilder {
  private readonly bytes: number[] = [];

  constructor(protocol = 4) {
    this.op(OP.PROTO).raw([protocol]);
  }

  raw(bytes: Iterable<number>): this {
    for (const b of bytes) this.bytes.push(b);
    return this;
  }
  op(code: number): this {
    this.bytes.push(code);
    return this;
  }
  u32(n: number): number[] {
    return [n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, (n >>> 24) & 0xff];
  }
  str(s: string): this {
    const utf8 = new TextEncoder().encode(s);
    return utf8.length < 256 ? this.op(OP.SHORT_BINUNICODE).raw([utf8.length]).raw(utf8) : this.op(OP.BINUNICODE).raw(this.u32(utf8.length)).raw(utf8);
  }
  int(n: number): this {
    return this.op(OP.BININT).raw(this.u32(n));
  }
  float(x: number): this {
    const b = new Uint8Array(8);
    new DataView(b.buffer).setFloat64(0, x, false);
    return this.op(OP.BINFLOAT).raw(b);
  }
  bool(v: boolean): this {
    return this.op(v ? OP.NEWTRUE : OP.NEWFALSE);
  }
  none(): this {
    return this.op(OP.NONE);
  }
  bytesArg(data: Uint8Array): this {
    return this.op(OP.BINBYTES).raw(this.u32(data.length)).raw(data);
  }
  bytearray(data: Uint8Array): this {
    const len = [...this.u32(data.length), 0, 0, 0, 0];
    return this.op(OP.BYTEARRAY8).raw(len).raw(data);
  }
  /** STACK_GLOBAL (protocol 4+). */
  global(module: string, name: string): this {
    return this.str(module).str(name).op(OP.STACK_GLOBAL);
  }
  /** GLOBAL with text lines (protocols 0–3). */
  globalText(module: string, name: string): this {
    return this.op(OP.GLOBAL).raw(new TextEncoder().encode(`${module}\n${name}\n`));
  }
  mark(): this {
    return this.op(OP.MARK);
  }
  tuple(): this {
    return this.op(OP.TUPLE);
  }
  /** Pushes a tuple of ints. */
  intTuple(values: readonly number[]): this {
    this.mark();
    for (const v of values) this.int(v);
    return this.tuple();
  }
  reduce(): this {
    return this.op(OP.REDUCE);
  }
  build(): this {
    return this.op(OP.BUILD);
  }
  stop(): Uint8Array {
    this.op(OP.STOP);
    return Uint8Array.from(this.bytes);
  }

  /** `numpy.dtype(spec, False, True)` with state `(3, endian, None, None, None, -1, -1, 0)`. */
  dtype(spec: string, endian = '<', numpyModule = 'numpy'): this {
    this.global(numpyModule, 'dtype').mark().str(spec).bool(false).bool(true).tuple().reduce();
    return this.mark().int(3).str(endian).none().none().none().int(-1).int(-1).int(0).tuple().build();
  }

  /** A structured dtype: fields as `[name, spec, offset]`, record size `itemSize`. */
  structuredDtype(fields: readonly (readonly [string, string, number])[], itemSize: number): this {
    this.global('numpy', 'dtype').mark().str(`V${itemSize}`).bool(false).bool(true).tuple().reduce();
    this.mark().int(3).str('|').none();
    this.mark();
    for (const [name] of fields) this.str(name);
    this.tuple();
    this.op(OP.EMPTY_DICT).mark();
    for (const [name, spec, offset] of fields) {
      this.str(name).mark().dtype(spec.slice(1), spec[0]).int(offset).tuple();
    }
    this.op(OP.SETITEMS);
    return this.int(itemSize).int(1).int(16).tuple().build();
  }

  /** `_reconstruct(ndarray, (0,), b'b')` then BUILD `(1, shape, <dtype pushed by addDtype>, fortran, data)`. */
  ndarray(shape: readonly number[], addDtype: (b: this) => void, fortran: boolean, data: (b: this) => void, numpyCore = 'numpy.core'): this {
    this.global(`${numpyCore}.multiarray`, '_reconstruct').global('numpy', 'ndarray').intTuple([0]).bytesArg(new Uint8Array([0x62]));
    this.mark().tuple().op(OP.POP); // exercise POP of an unused value
    this.op(OP.TUPLE3).reduce();
    this.mark().int(1).intTuple(shape);
    addDtype(this);
    this.bool(fortran);
    data(this);
    return this.tuple().build();
  }
}

export function f64Bytes(values: readonly number[], littleEndian = true): Uint8Array {
  const out = new Uint8Array(values.length * 8);
  const view = new DataView(out.buffer);
  values.forEach((v, i) => view.setFloat64(i * 8, v, littleEndian));
  return out;
}

export function i64Bytes(values: readonly number[], littleEndian = true): Uint8Array {
  const out = new Uint8Array(values.length * 8);
  const view = new DataView(out.buffer);
  values.forEach((v, i) => view.setBigInt64(i * 8, BigInt(v), littleEndian));
  return out;
}
