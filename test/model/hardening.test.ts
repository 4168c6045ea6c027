/**
 * Hostile and corrupt model files: forbidden globals, truncation, bit flips, absurd shapes, deep
 * nesting, broken MLflow folders, integrity mismatches. Each must end in a typed, clear error
 * quickly; nothing from the file is executed.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { seededRandom } from '../../io/index.js';
import {
  ForbiddenGlobalError,
  MlflowModelError,
  ModelFetchError,
  ModelIntegrityError,
  ModelLoadError,
  PickleLimitError,
  TruncatedPickleError,
  UnsupportedModelError,
  loadModel,
  loadModelFromBytes,
} from '../../lambda/model/index.js';
import { OP, unpickle } from '../../lambda/model/pickle/index.js';
import { PickleBuilder, f64Bytes } from './pickle-builder.js';
import { MODEL_CASES, fixtures, repoRoot } from './support.js';

const linRegPath = join(repoRoot, 'model-artifacts/lin_reg.bin');
const linReg = readFileSync(linRegPath);
const stdlib = JSON.parse(readFileSync(join(fixtures, 'pickles/stdlib.json'), 'utf8')) as Record<string, string>;
const scratch = mkdtempSync(join(tmpdir(), 'model-hardening-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('forbidden globals are refused by name before anything is built', () => {
  const marker = join(scratch, 'pwned');
  const hostile: [string, string, Uint8Array][] = [
    // Python: pickle.dumps of an object whose __reduce__ is (os.system, ("touch <marker>",)), protocol 2 form
    ['os', 'system', new PickleBuilder(2).globalText('os', 'system').mark().str(`touch ${marker}`).tuple().reduce().stop()],
    ['posix', 'system', new PickleBuilder(2).globalText('posix', 'system').mark().str(`touch ${marker}`).tuple().reduce().stop()],
    ['builtins', 'eval', new PickleBuilder(4).global('builtins', 'eval').mark().str(`__import__('os').system('touch ${marker}')`).tuple().reduce().stop()],
    ['subprocess', 'Popen', new PickleBuilder(4).global('subprocess', 'Popen').mark().mark().str('touch').str(marker).op(OP.LIST).tuple().reduce().stop()],
    ['builtins', 'getattr', new PickleBuilder(4).global('builtins', 'getattr').stop()],
    ['builtins', '__import__', new PickleBuilder(3).globalText('builtins', '__import__').stop()],
    ['copyreg', '_reconstructor', new PickleBuilder(2).globalText('copyreg', '_reconstructor').stop()],
    ['numpy', 'load', new PickleBuilder(4).global('numpy', 'load').stop()],
    ['sklearn.svm._classes', 'SVR', new PickleBuilder(4).global('sklearn.svm._classes', 'SVR').op(OP.EMPTY_TUPLE).op(OP.NEWOBJ).stop()],
  ];

  for (const [module, name, bytes] of hostile) {
    it(`${module}.${name}`, () => {
      let error: unknown;
      try {
        loadModelFromBytes(bytes, { source: `${module}.${name}.pkl` });
      } catch (err) {
        error = err;
      }
      expect(error).toBeInstanceOf(ForbiddenGlobalError);
      expect((error as Error).message).toContain(`${module}.${name}`);
      expect((error as ForbiddenGlobalError).module).toBe(module);
      expect((error as ForbiddenGlobalError).qualname).toBe(name);
      expect(existsSync(marker)).toBe(false);
    });
  }

  it('joblib files get a hint', () => {
    const bytes = new PickleBuilder(4).global('joblib.numpy_pickle', 'NumpyArrayWrapper').stop();
    expect(() => unpickle(bytes)).toThrow(/forbidden global joblib\.numpy_pickle\.NumpyArrayWrapper.*save the model with pickle\.dump/);
  });

  it('a forbidden global deep inside a real model is refused by name, after 300 kB of valid pickle', () => {
    // lin_reg.bin with its regressor class `sklearn.linear_model._base.LinearRegression` swapped for `os.system`
    // (same opcodes and memo slots; the enclosing frame just gets shorter).
    const enc = (s: string): number[] => [0x8c, s.length, ...Buffer.from(s, 'latin1')];
    const original = [...enc('sklearn.linear_model._base'), OP.MEMOIZE, ...enc('LinearRegression'), OP.MEMOIZE, OP.STACK_GLOBAL];
    const hostile = [...enc('os'), OP.MEMOIZE, ...enc('system'), OP.MEMOIZE, OP.STACK_GLOBAL];
    const at = Buffer.from(linReg).indexOf(Buffer.from(original));
    expect(at).toBeGreaterThan(300_000);
    const evil = Buffer.concat([linReg.subarray(0, at), Buffer.from(hostile), linReg.subarray(at + original.length)]);
    let error: unknown;
    try {
      loadModelFromBytes(evil, { source: 'evil.bin' });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ForbiddenGlobalError);
    expect((error as ForbiddenGlobalError).message).toMatch(/^model evil\.bin: not a readable model: forbidden global os\.system/);
    expect((error as ForbiddenGlobalError).offset).toBeGreaterThan(at);
  });
});

describe('error messages quote file content capped', () => {
  const long = 'x'.repeat(100_000);

  it('a forbidden global with a 100,000-character name: 200 characters and the length; the error keeps the full name', () => {
    let error: unknown;
    try {
      unpickle(new PickleBuilder(4).global('os', long).stop());
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ForbiddenGlobalError);
    expect((error as Error).message).toMatch(/^forbidden global os\.x{197}…\(100003 chars\): not on the model allow-list/);
    expect((error as Error).message.length).toBeLessThan(400);
    expect((error as ForbiddenGlobalError).qualname).toBe(long);
  });

  it('a protocol-0 INT line of 1,000 characters, and a global name with a carriage return, escaped', () => {
    const bytes = new PickleBuilder(2).op(OP.INT).raw(Buffer.from(`${long.slice(0, 1_000)}\n`, 'latin1')).stop();
    expect(() => unpickle(bytes)).toThrow(/^INT: bad INT "x{200}"…\(1000 chars\) \(at byte 2\)$/);
    const forged = new PickleBuilder(2).globalText('os', 'system\rforbidden').stop();
    expect(() => unpickle(forged)).toThrow(/^forbidden global os\.system\\rforbidden: /);
  });

  it('a numpy dtype string of 100,000 characters', () => {
    const bytes = new PickleBuilder().dtype(`f${'8'.repeat(100_000)}`).stop();
    expect(() => unpickle(bytes)).toThrow(/^numpy\.dtype: numpy\.dtype: unsupported size in "f8{199}"…\(100001 chars\) \(at byte \d+\)$/);
  });
});

describe('truncated pickles', () => {
  it('every prefix of a small pickle (protocols 2–5) gives TruncatedPickleError', () => {
    for (const protocol of ['2', '3', '4', '5']) {
      const bytes = Uint8Array.from(Buffer.from(stdlib[`small-${protocol}`] ?? '', 'hex'));
      expect(bytes.length).toBeGreaterThan(50);
      expect(() => unpickle(bytes)).not.toThrow();
      for (let n = 0; n < bytes.length; n++) {
        expect(() => unpickle(bytes.subarray(0, n)), `protocol ${protocol}, ${n} bytes`).toThrow(TruncatedPickleError);
      }
    }
  });

  it('a sample of prefixes of lin_reg.bin gives TruncatedPickleError', () => {
    const next = seededRandom(7);
    const lengths = [0, 1, 2, 10, 11, 12, 100, 65_549, 65_550, 300_000, linReg.length - 2, linReg.length - 1];
    for (let i = 0; i < 40; i++) lengths.push(Math.floor(next() * linReg.length));
    for (const n of lengths) {
      let error: unknown;
      const started = performance.now();
      try {
        loadModelFromBytes(linReg.subarray(0, n), { source: 'truncated' });
      } catch (err) {
        error = err;
      }
      expect(performance.now() - started).toBeLessThan(2_000);
      if (n === 0) expect(error).toBeInstanceOf(UnsupportedModelError);
      else expect(error, `prefix of ${n} bytes`).toBeInstanceOf(TruncatedPickleError);
      if (n > 0) expect((error as Error).message).toMatch(/truncated|ended before STOP/);
    }
  });
});

describe('bit-flipped lin_reg.bin', () => {
  const FLIPS = 200;
  it('200 seeded single-bit flips: each is a typed error or a working model, quickly', () => {
    const next = seededRandom(20261125);
    let errors = 0;
    let loaded = 0;
    for (let i = 0; i < FLIPS; i++) {
      const corrupt = new Uint8Array(linReg); // memcpy (Uint8Array.from would iterate)
      const at = Math.floor(next() * corrupt.length);
      corrupt[at] = (corrupt[at] as number) ^ (1 << Math.floor(next() * 8));
      const started = performance.now();
      try {
        const { predictor } = loadModelFromBytes(corrupt, { source: 'flipped' });
        expect(typeof predictor.predictOne({ PU_DO: '130_205', trip_distance: 3.66 })).toBe('number');
        loaded++;
      } catch (err) {
        // anything but our typed errors (TypeError, RangeError, …) would be a bug in the reader
        expect(err, `flip at byte ${at}: ${String(err)}`).toBeInstanceOf(ModelLoadError);
        errors++;
      }
      expect(performance.now() - started).toBeLessThan(2_000);
    }
    expect(errors + loaded).toBe(FLIPS);
    expect(errors).toBeGreaterThan(0);
  });
});

describe('resource limits', () => {
  it('an array claiming 10^12 elements fails fast without allocating', () => {
    const bytes = new PickleBuilder()
      .ndarray([1_000_000, 1_000_000], (b) => b.dtype('f8'), false, (b) => b.bytesArg(f64Bytes([1])))
      .stop();
    const started = performance.now();
    expect(() => unpickle(bytes)).toThrow(PickleLimitError);
    expect(() => unpickle(bytes)).toThrow(/claims more than \d+ elements/);
    expect(performance.now() - started).toBeLessThan(500);
  });

  it('a dimension beyond 2^53 (a LONG) is refused', () => {
    const b = new PickleBuilder();
    b.global('numpy.core.multiarray', '_reconstruct').global('numpy', 'ndarray').intTuple([0]).bytesArg(new Uint8Array([0x62])).op(OP.TUPLE3).reduce();
    b.mark().int(1).mark().op(OP.LONG1).raw([9, 0, 0, 0, 0, 0, 0, 0, 0, 1]).tuple().dtype('f8').bool(false).bytesArg(new Uint8Array(0)).tuple().build();
    expect(() => unpickle(b.stop())).toThrow(PickleLimitError);
  });

  it('100,000 nested MARKs: clear error, no stack overflow', () => {
    const b = new PickleBuilder();
    for (let i = 0; i < 100_000; i++) b.mark();
    expect(() => unpickle(b.stop())).toThrow(/nesting deeper than 1000 levels/);
  });

  it('100,000 nested lists: clear error, no stack overflow', () => {
    const b = new PickleBuilder();
    for (let i = 0; i < 100_000; i++) b.op(OP.EMPTY_LIST);
    for (let i = 0; i < 99_999; i++) b.op(OP.APPEND);
    expect(() => unpickle(b.stop())).toThrow(PickleLimitError);
  });

  it('a memo index of 2^32-1 is refused', () => {
    const bytes = new PickleBuilder().op(OP.NONE).op(OP.LONG_BINPUT).raw([0xff, 0xff, 0xff, 0xff]).stop();
    expect(() => unpickle(bytes)).toThrow(/memo index 4294967295 exceeds the limit/);
  });

  it('a string length running past the end is a truncation, not a read out of range', () => {
    const bytes = new PickleBuilder().op(OP.BINUNICODE8).raw([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f]).stop();
    expect(() => unpickle(bytes)).toThrow(TruncatedPickleError);
  });

  it('limits are configurable per load', () => {
    expect(() => loadModelFromBytes(linReg, { source: 'lin_reg.bin', limits: { maxArrayElements: 1000 } })).toThrow(/claims more than 1000 elements/);
  });
});

describe('MLflow folders', () => {
  const rfFolder = MODEL_CASES[1]?.fixture ?? '';
  const folder = (name: string, mlmodel: string | null, withModel = true): string => {
    const dir = join(scratch, name);
    mkdirSync(dir, { recursive: true });
    if (mlmodel !== null) writeFileSync(join(dir, 'MLmodel'), mlmodel);
    if (withModel) copyFileSync(join(rfFolder, 'model.pkl'), join(dir, 'model.pkl'));
    return dir;
  };
  const original = readFileSync(join(rfFolder, 'MLmodel'), 'utf8');

  it('a folder without MLmodel', async () => {
    await expect(loadModel(folder('no-mlmodel', null))).rejects.toThrow(MlflowModelError);
    await expect(loadModel(folder('no-mlmodel', null))).rejects.toThrow(/without an MLmodel file/);
  });

  it('an MLmodel without the sklearn flavour', async () => {
    const text = 'artifact_path: model\nflavors:\n  python_function:\n    loader_module: mlflow.pyfunc.model\n    python_model: python_model.pkl\nrun_id: abc\n';
    await expect(loadModel(folder('no-sklearn', text))).rejects.toThrow(/no sklearn flavour \(flavours: python_function\)/);
  });

  it('pickled_model pointing at a missing file', async () => {
    const text = original.replace('pickled_model: model.pkl', 'pickled_model: missing.pkl');
    await expect(loadModel(folder('missing-pickle', text))).rejects.toThrow(/names pickled_model "missing\.pkl", but the folder .*missing-pickle has no such file$/);
  });

  it('pickled_model escaping the folder', async () => {
    const text = original.replace('pickled_model: model.pkl', 'pickled_model: ../../etc/passwd');
    await expect(loadModel(folder('escape', text))).rejects.toThrow(/points outside the model folder/);
  });

  it('an MLmodel that is not YAML', async () => {
    await expect(loadModel(folder('garbage', '\u0000\u0001 not: [yaml\n  - at all:\n'))).rejects.toThrow(MlflowModelError);
  });

  it('a skops-serialised model is refused clearly', async () => {
    const text = original.replace('serialization_format: cloudpickle', 'serialization_format: skops');
    await expect(loadModel(folder('skops', text))).rejects.toThrow(/serialization_format "skops" is not supported/);
  });

  it('a missing path', async () => {
    await expect(loadModel(join(scratch, 'nothing-here.bin'))).rejects.toThrow(ModelFetchError);
  });
});

describe('integrity', () => {
  it('MODEL_SHA256 match loads, mismatch is refused', async () => {
    const sha = 'b51a38fd7db9b529e6050df04dfceb91c6703502034d02014f9d1996bda1861a';
    const ok = await loadModel(linRegPath, { expectedSha256: sha.toUpperCase() });
    expect(ok.description.sha256).toBe(sha);
    expect(ok.description.version).toBe('sha256:b51a38fd7db9');
    await expect(loadModel(linRegPath, { expectedSha256: '0'.repeat(64) })).rejects.toThrow(ModelIntegrityError);
    await expect(loadModel(linRegPath, { expectedSha256: '0'.repeat(64) })).rejects.toThrow(/has sha256 b51a38fd.*, expected 0000/);
    await expect(loadModel(linRegPath, { expectedSha256: 'abc' })).rejects.toThrow(/not 64 hex digits/);
  });

  it('bytes that are neither a pickle nor our JSON artifact', () => {
    expect(() => loadModelFromBytes(new TextEncoder().encode('hello'), { source: 'x.bin' })).toThrow(/neither a pickle of protocol >= 2/);
    expect(() => loadModelFromBytes(new TextEncoder().encode('{"format":"other"}'), { source: 'x.json' })).toThrow(/expected "ride-duration-linear\/v1"/);
  });
});
