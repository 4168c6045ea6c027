/** Our JSON linear artifact: same arithmetic as the pickled course model, strict validation. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { NATIVE_MODEL_FORMAT, loadModelFromBytes } from '../../lambda/model/index.js';
import type { NativeLinearModel } from '../../lambda/model/index.js';
import { NdArray, PyInstance, PyTuple, unpickle } from '../../lambda/model/pickle/index.js';
import { goldenFixtures, parity, readGolden, repoRoot } from './support.js';

/** The course lin_reg.bin re-expressed as our artifact. */
function courseModelAsNative(): NativeLinearModel {
  const value = unpickle(readFileSync(join(repoRoot, 'model-artifacts/lin_reg.bin')));
  if (!(value instanceof PyTuple)) throw new Error('expected a tuple');
  const [dv, lr] = value.items;
  if (!(dv instanceof PyInstance) || !(lr instanceof PyInstance)) throw new Error('expected estimators');
  const coef = lr.attr('coef_');
  if (!(coef instanceof NdArray)) throw new Error('expected coef_');
  return {
    format: NATIVE_MODEL_FORMAT,
    regressor: 'LinearRegression',
    featureNames: dv.attr('feature_names_') as string[],
    separator: '=',
    coef: Array.from(coef.toFloat64()),
    intercept: lr.attr('intercept_') as number,
    metadata: { createdAt: '2026-11-25T00:00:00Z' },
  };
}

const encode = (json: unknown): Uint8Array => new TextEncoder().encode(JSON.stringify(json));

describe('native JSON artifact', () => {
  const native = courseModelAsNative();

  it('scores the fixture rides exactly like the pickled course model', () => {
    const { predictor, description } = loadModelFromBytes(encode(native), { source: 'model.json' });
    expect(description).toMatchObject({ format: 'native', regressor: 'LinearRegression', featureCount: 13221 });
    expect(description.version).toMatch(/^sha256:[0-9a-f]{12}$/);
    const golden = readGolden(join(goldenFixtures, 'official-lin_reg.csv'));
    expect(parity(predictor.predict(golden.rows), golden.expected).mismatches).toBe(0);
    expect(predictor.predictOne({ PU_DO: '130_205', trip_distance: 3.66 })).toBe(12.78553032985699);
  });

  it('leading whitespace is fine; malformed artifacts are refused with the reason', () => {
    expect(() => loadModelFromBytes(new TextEncoder().encode(`\n  ${JSON.stringify(native)}`), { source: 'm.json' })).not.toThrow();
    const bad: [Partial<Record<keyof NativeLinearModel, unknown>>, RegExp][] = [
      [{ coef: native.coef.slice(1) }, /13220 coefficients for 13221 features/],
      [{ coef: [...native.coef.slice(1), Number.NaN] }, /finite numbers/],
      [{ featureNames: [...native.featureNames.slice(1), 'trip_distance'] }, /duplicate feature name "trip_distance"/],
      [{ intercept: 'x' }, /intercept must be a finite number/],
      [{ separator: '' }, /separator must be a non-empty string/],
    ];
    for (const [patch, message] of bad) {
      expect(() => loadModelFromBytes(encode({ ...native, ...patch }), { source: 'm.json' })).toThrow(message);
    }
    expect(() => loadModelFromBytes(new TextEncoder().encode('{"format": '), { source: 'm.json' })).toThrow(/looks like JSON but does not parse/);
  });
});
