/**
 * The pickle VM on small pickles: stdlib values written by CPython for protocols 2–5
 * (test/fixtures/pickles/generate.py → stdlib.json) and hand-assembled numpy arrays.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  DType,
  NdArray,
  PickleError,
  PyDict,
  PySet,
  PyTuple,
  allowedGlobalNames,
  unpickle,
} from '../../lambda/model/pickle/index.js';
import type { PyValue } from '../../lambda/model/pickle/index.js';
import { PickleBuilder, f64Bytes, i64Bytes } from './pickle-builder.js';
import { fixtures } from './support.js';

const stdlib = JSON.parse(readFileSync(join(fixtures, 'pickles/stdlib.json'), 'utf8')) as Record<string, string>;
const fromHex = (hex: string): Uint8Array => Uint8Array.from(Buffer.from(hex, 'hex'));

function asDict(value: PyValue): PyDict {
  if (!(value instanceof PyDict)) throw new Error('expected a dict');
  return value;
}

describe('stdlib values written by CPython', () => {
  for (const protocol of [2, 3, 4, 5]) {
    it(`protocol ${protocol}: every value round-trips`, () => {
      const d = asDict(unpickle(fromHex(stdlib[String(protocol)] ?? '')));
      expect(d.get('none')).toBeNull();
      expect(d.get('true')).toBe(true);
      expect(d.get('false')).toBe(false);
      expect(d.get('int1')).toBe(7);
      expect(d.get('int2')).toBe(300);
      expect(d.get('int4')).toBe(-5);
      expect(d.get('int_big')).toBe(2 ** 40);
      expect(d.get('long_pos')).toBe(2n ** 70n);
      expect(d.get('long_neg')).toBe(-(2n ** 65n));
      expect(d.get('float')).toBe(3.5);
      expect(Object.is(d.get('float_neg_zero'), -0)).toBe(true);
      expect(d.get('str')).toBe('h\u00e9llo \u2713');
      expect(d.get('str_long')).toBe('x'.repeat(300));
      expect(d.get('bytes')).toEqual(new Uint8Array([0, 1, 0x61, 0x62]));
      expect(d.get('bytes_empty')).toEqual(new Uint8Array(0));
      const long = d.get('bytes_long');
      expect(long).toBeInstanceOf(Uint8Array);
      expect(Array.from(long as Uint8Array)).toEqual([...Array.from({ length: 256 }, (_, i) => i), ...Array.from({ length: 256 }, (_, i) => i)]);
      expect(d.get('bytearray')).toEqual(new Uint8Array([0x78, 0x79]));
      expect(d.get('tuple0')).toEqual(new PyTuple([]));
      expect(d.get('tuple1')).toEqual(new PyTuple([1]));
      expect(d.get('tuple2')).toEqual(new PyTuple([1, 2]));
      expect(d.get('tuple3')).toEqual(new PyTuple([1, 2, 3]));
      expect(d.get('tuple5')).toEqual(new PyTuple([1, 2, 3, 4, 5]));
      expect(d.get('list')).toEqual([1, [2, [3]]]);
      expect(d.get('list_long')).toEqual(Array.from({ length: 2500 }, (_, i) => i));
      expect([...asDict(d.get('dict_int_keys') ?? null).map]).toEqual([[1, 'a'], [2, 'b']]);
      const set = d.get('set');
      expect(set).toBeInstanceOf(PySet);
      expect([...(set as PySet).items].sort()).toEqual([1, 2]);
      expect((d.get('frozenset') as PySet).frozen).toBe(true);
      expect([...(d.get('frozenset') as PySet).items]).toEqual(['a']);
      // The memo preserves identity, as Python's does.
      expect(d.get('shared_a')).toBe(d.get('shared_b'));
    });

    it(`protocol ${protocol}: a list containing itself`, () => {
      const list = unpickle(fromHex(stdlib[`recursive-${protocol}`] ?? ''));
      expect(Array.isArray(list)).toBe(true);
      expect((list as PyValue[])[0]).toBe(list);
    });
  }
});

describe('numpy arrays', () => {
  const array = (bytes: Uint8Array): NdArray => {
    const value = unpickle(bytes);
    if (!(value instanceof NdArray)) throw new Error('expected an ndarray');
    return value;
  };

  it('<f8, 1-D', () => {
    const a = array(new PickleBuilder().ndarray([3], (b) => b.dtype('f8'), false, (b) => b.bytesArg(f64Bytes([1.5, -2, 1e-300]))).stop());
    expect(a.dtype.str).toBe('<f8');
    expect(Array.from(a.toFloat64())).toEqual([1.5, -2, 1e-300]);
  });

  it('>f8 (big-endian) reads the same values', () => {
    const a = array(new PickleBuilder().ndarray([3], (b) => b.dtype('f8', '>'), false, (b) => b.bytesArg(f64Bytes([1.5, -2, 7], false))).stop());
    expect(a.dtype.byteOrder).toBe('>');
    expect(Array.from(a.toFloat64())).toEqual([1.5, -2, 7]);
  });

  it('<i8, |u1, <i4, >i2, |b1, <f4', () => {
    const cases: [string, string, Uint8Array, number[]][] = [
      ['i8', '<', i64Bytes([-1, 2 ** 40]), [-1, 2 ** 40]],
      ['u1', '|', new Uint8Array([0, 255]), [0, 255]],
      ['i4', '<', new Uint8Array([0xff, 0xff, 0xff, 0xff, 1, 0, 0, 0]), [-1, 1]],
      ['i2', '>', new Uint8Array([0x01, 0x00, 0xff, 0xfe]), [256, -2]],
      ['b1', '|', new Uint8Array([1, 0]), [1, 0]],
      ['f4', '<', new Uint8Array(new Float32Array([0.5, -3]).buffer), [0.5, -3]],
    ];
    for (const [spec, endian, data, expected] of cases) {
      const a = array(new PickleBuilder().ndarray([2], (b) => b.dtype(spec, endian), false, (b) => b.bytesArg(data)).stop());
      expect(Array.from(a.toFloat64()), spec).toEqual(expected);
    }
  });

  it('Fortran order is returned in C order', () => {
    // [[1, 2, 3], [4, 5, 6]] stored column-major: 1 4 2 5 3 6
    const a = array(new PickleBuilder().ndarray([2, 3], (b) => b.dtype('i8'), true, (b) => b.bytesArg(i64Bytes([1, 4, 2, 5, 3, 6]))).stop());
    expect(a.shape).toEqual([2, 3]);
    expect(Array.from(a.toFloat64())).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('numpy 2 module path (numpy._core)', () => {
    const a = array(new PickleBuilder().ndarray([1], (b) => b.dtype('f8'), false, (b) => b.bytesArg(f64Bytes([42])), 'numpy._core').stop());
    expect(Array.from(a.toFloat64())).toEqual([42]);
  });

  it('structured dtype: fields read by name and offset, padding ignored', () => {
    // record: a <i8 @0, b <f8 @8, c |u1 @16, 24-byte records
    const records = new Uint8Array(48);
    const view = new DataView(records.buffer);
    view.setBigInt64(0, -1n, true);
    view.setFloat64(8, 2.5, true);
    view.setUint8(16, 7);
    view.setBigInt64(24, 5n, true);
    view.setFloat64(32, -0.25, true);
    view.setUint8(40, 1);
    const a = array(
      new PickleBuilder()
        .ndarray(
          [2],
          (b) => b.structuredDtype([['a', '<i8', 0], ['b', '<f8', 8], ['c', '|u1', 16]], 24),
          false,
          (b) => b.bytesArg(records),
        )
        .stop(),
    );
    expect(a.dtype.names).toEqual(['a', 'b', 'c']);
    expect(a.dtype.itemSize).toBe(24);
    expect(Array.from(a.field('a'))).toEqual([-1, 5]);
    expect(Array.from(a.field('b'))).toEqual([2.5, -0.25]);
    expect(Array.from(a.field('c'))).toEqual([7, 1]);
    expect(() => a.field('missing')).toThrow(/no field "missing"/);
  });

  it('object arrays take their items from a list', () => {
    const a = array(
      new PickleBuilder()
        .ndarray([2], (b) => b.dtype('O8', '|'), false, (b) => b.op(0x5d /* EMPTY_LIST */).mark().str('PU_DO').str('trip_distance').op(0x65 /* APPENDS */))
        .stop(),
    );
    expect(a.dtype.isObject).toBe(true);
    expect(a.toObjects()).toEqual(['PU_DO', 'trip_distance']);
  });

  it('protocol 5 _frombuffer with a bytearray', () => {
    const bytes = new PickleBuilder(5)
      .global('numpy.core.numeric', '_frombuffer')
      .mark()
      .bytearray(f64Bytes([3, 4]))
      .dtype('f8')
      .intTuple([2])
      .str('C')
      .tuple()
      .reduce()
      .stop();
    const a = unpickle(bytes);
    expect(a).toBeInstanceOf(NdArray);
    expect(Array.from((a as NdArray).toFloat64())).toEqual([3, 4]);
  });

  it('numpy scalars become numbers', () => {
    const bytes = new PickleBuilder()
      .mark()
      .global('numpy.core.multiarray', 'scalar').mark().dtype('f8').bytesArg(f64Bytes([26.4375784155702])).tuple().reduce()
      .global('numpy._core.multiarray', 'scalar').mark().dtype('i8').bytesArg(i64Bytes([-3])).tuple().reduce()
      .tuple()
      .stop();
    expect(unpickle(bytes)).toEqual(new PyTuple([26.4375784155702, -3]));
  });

  it('a shape that disagrees with the data is refused', () => {
    const bytes = new PickleBuilder().ndarray([4], (b) => b.dtype('f8'), false, (b) => b.bytesArg(f64Bytes([1, 2, 3]))).stop();
    expect(() => unpickle(bytes)).toThrow(/needs 32 bytes, the pickle has 24/);
  });

  it('unicode and datetime arrays are carried but not read as numbers', () => {
    const a = array(new PickleBuilder().ndarray([2], (b) => b.dtype('U3'), false, (b) => b.bytesArg(new Uint8Array(24))).stop());
    expect(a.dtype.itemSize).toBe(12);
    expect(() => a.toFloat64()).toThrow(/expected a numeric array/);
    const t = array(new PickleBuilder().ndarray([1], (b) => b.dtype('M8[ns]'), false, (b) => b.bytesArg(new Uint8Array(8))).stop());
    expect(t.dtype.kind).toBe('M');
  });

  it('dtype type strings outside the supported set are refused by name', () => {
    const bytes = new PickleBuilder().global('numpy', 'dtype').mark().str('q8').bool(false).bool(true).tuple().reduce().stop();
    expect(() => unpickle(bytes)).toThrow(/unsupported kind "q"/);
  });
});

describe('the allow-list', () => {
  it('names exactly the model classes, numpy constructors and byte/set builtins', () => {
    const names = allowedGlobalNames();
    expect(names).toContain('sklearn.feature_extraction._dict_vectorizer.DictVectorizer');
    expect(names).toContain('sklearn.tree._tree.Tree');
    expect(names).toContain('numpy._core.multiarray._reconstruct');
    for (const name of names) expect(name).toMatch(/^(sklearn|numpy|builtins|__builtin__|_codecs)\./);
    expect(names.some((n) => /\.(eval|exec|system|getattr|__import__|open|apply)$/.test(n))).toBe(false);
  });

  it('a referenced numpy type cannot be called', () => {
    const bytes = new PickleBuilder().global('numpy', 'float64').mark().float(1).tuple().reduce().stop();
    expect(() => unpickle(bytes)).toThrow(/calling numpy\.float64 is not supported/);
  });

  it('_reconstruct accepts only numpy.ndarray', () => {
    const bytes = new PickleBuilder()
      .global('numpy.core.multiarray', '_reconstruct')
      .global('sklearn.pipeline', 'Pipeline')
      .intTuple([0])
      .bytesArg(new Uint8Array([0x62]))
      .op(0x87)
      .reduce()
      .stop();
    expect(() => unpickle(bytes)).toThrow(PickleError);
    expect(() => unpickle(bytes)).toThrow(/only numpy\.ndarray/);
  });

  it('dtype objects are DType instances with numpy string forms', () => {
    const d = unpickle(new PickleBuilder().dtype('i8').stop());
    expect(d).toBeInstanceOf(DType);
    expect((d as DType).str).toBe('<i8');
  });
});
