import { describe, expect, it } from 'vitest';
import {
  cgls,
  durationMinutes,
  fitLinear,
  fitVocabulary,
  lsqr,
  plainOperator,
  prepareTrips,
  rmse,
  trainModel,
  transform,
  type CsrMatrix,
  type RawTrip,
} from '../../train/index.js';
import { NATIVE_MODEL_FORMAT } from '../../lambda/model/native-format.js';
import { readPreparedCsv, sklearnReference } from './helpers.js';

const jan = readPreparedCsv('jan-2021-first3000.csv');
const feb = readPreparedCsv('feb-2021-first2000.csv');

describe('trainer against scikit-learn 1.2.1 (first 3,000 Jan / 2,000 Feb 2021 rides)', () => {
  it('LinearRegression: same vocabulary, early stop and RMSEs as sklearn (lsqr, atol = btol = 1e-6)', () => {
    const ref = sklearnReference('first3000-jan_to_first2000-feb');
    const r = trainModel(jan, feb);
    expect(r.vocabulary.featureNames).toHaveLength(ref.features);
    expect(r.trainRows).toBe(ref.train_rows);
    expect(r.valRows).toBe(ref.val_rows);
    expect(r.fit.solve.iterations).toBe(ref.early_stop_iterations);
    expect([1, 2]).toContain(r.fit.solve.stopCode);
    // Same iterate up to summation order (BLAS dot vs ours): agreement far inside the 1e-4 bar.
    expect(r.valRmse).toBeCloseTo(ref.val_rmse, 7);
    expect(r.trainRmse).toBeCloseTo(ref.train_rmse, 7);
    expect(r.fit.intercept).toBeCloseTo(ref.intercept, 6);
    expect(r.model.metadata.stoppingRule).toMatch(/stopped early by scipy's default tolerances/);
  });

  it('homework recipe ({PULocationID, DOLocationID} as text, no distance): same vocabulary, early stop and RMSEs as sklearn', () => {
    const ref = sklearnReference('first3000-jan_to_first2000-feb_homework');
    const r = trainModel(jan, feb, { recipe: 'homework' });
    expect(r.vocabulary.featureNames).toHaveLength(ref.features);
    expect(r.vocabulary.featureNames.every((name) => /^(DO|PU)LocationID=\d+$/.test(name))).toBe(true);
    expect(r.vocabulary.featureNames).toEqual([...r.vocabulary.featureNames].sort()); // Python's string order ('DOLocationID=10' < 'DOLocationID=2')
    // Each one-hot group sums to one on every row, so the centred problem is rank-deficient twice over
    // (the course's once): LSQR's iterates then drift with summation order (BLAS dot vs ours), and its
    // early stop comes within an iteration or two of scipy's, with RMSEs equal to about 1e-6.
    expect(Math.abs(r.fit.solve.iterations - (ref.early_stop_iterations as number))).toBeLessThanOrEqual(2);
    expect(Math.abs(r.valRmse - ref.val_rmse)).toBeLessThan(1e-5);
    expect(Math.abs(r.trainRmse - ref.train_rmse)).toBeLessThan(1e-7);
    expect(Math.abs(r.fit.intercept - ref.intercept)).toBeLessThan(1e-4);
    expect(r.model.metadata).toMatchObject({ recipeName: 'homework' });
    // Validation rides with a location id never seen in training, recounted from the ids.
    const seen = new Set(r.vocabulary.featureNames);
    let unseen = 0;
    for (let i = 0; i < feb.duration.length; i++) {
      if (!seen.has(`PULocationID=${feb.puLocationId[i]}`) || !seen.has(`DOLocationID=${feb.doLocationId[i]}`)) unseen++;
    }
    expect(r.valUnseen).toBe(unseen);
  });

  it('Ridge(alpha=1, solver=lsqr) matches sklearn', () => {
    const ref = sklearnReference('first3000-jan_to_first2000-feb_ridge-alpha1');
    const r = trainModel(jan, feb, { alpha: 1 });
    expect(r.model.regressor).toBe('Ridge');
    // Both stop early at tol 1e-6; summation order differences move the last digits only.
    expect(r.valRmse).toBeCloseTo(ref.val_rmse, 6);
    expect(r.fit.intercept).toBeCloseTo(ref.intercept, 5);
  });

  it('converged solves (CG and tight LSQR) agree with each other and with scipy lsqr at 1e-12', () => {
    const ref = sklearnReference('first3000-jan_to_first2000-feb');
    const cg = trainModel(jan, feb, { solver: 'cg', tol: 1e-12 });
    const tight = trainModel(jan, feb, { solver: 'lsqr', tol: 1e-12 });
    expect(cg.fit.solve.converged).toBe(true);
    expect(cg.valRmse).toBeCloseTo(ref.converged_val_rmse as number, 6);
    expect(tight.valRmse).toBeCloseTo(ref.converged_val_rmse as number, 6);
    // A converged fit is at least as good on the training data as the early-stopped one.
    expect(cg.trainRmse).toBeLessThanOrEqual(trainModel(jan, feb).trainRmse + 1e-12);
  });

  it('writes the native artifact the runtime reads: sorted names, one coef per name, exact JSON round trip', () => {
    const r = trainModel(jan, feb, {}, new Date('2026-01-01T00:00:00Z'));
    const m = JSON.parse(JSON.stringify(r.model)) as typeof r.model;
    expect(m.format).toBe(NATIVE_MODEL_FORMAT);
    expect(m.separator).toBe('=');
    expect(m.featureNames.at(-1)).toBe('trip_distance');
    expect([...m.featureNames].sort()).toEqual(m.featureNames);
    expect(m.coef).toHaveLength(m.featureNames.length);
    expect(m.coef).toEqual(Array.from(r.fit.coef));
    expect(m.intercept).toBe(r.fit.intercept);
    expect(m.metadata).toMatchObject({ createdAt: '2026-01-01T00:00:00.000Z', solver: 'lsqr', iterations: r.fit.solve.iterations, valRmse: r.valRmse, trainRmse: r.trainRmse });
  });
});

/** Solves the dense normal equations by Gaussian elimination with partial pivoting. */
function denseLeastSquares(X: number[][], y: number[], alpha: number): number[] {
  const n = X[0]?.length ?? 0;
  const M = Array.from({ length: n }, (_, i) => [
    ...Array.from({ length: n }, (_, j) => X.reduce((s, row) => s + (row[i] as number) * (row[j] as number), 0) + (i === j ? alpha : 0)),
    X.reduce((s, row, k) => s + (row[i] as number) * (y[k] as number), 0),
  ]);
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(M[r]![c]!) > Math.abs(M[p]![c]!)) p = r;
    [M[c], M[p]] = [M[p]!, M[c]!];
    for (let r = c + 1; r < n; r++) {
      const f = M[r]![c]! / M[c]![c]!;
      for (let k = c; k <= n; k++) M[r]![k]! -= f * M[c]![k]!;
    }
  }
  const x = new Array<number>(n).fill(0);
  for (let r = n - 1; r >= 0; r--) {
    let s = M[r]![n]!;
    for (let k = r + 1; k < n; k++) s -= M[r]![k]! * x[k]!;
    x[r] = s / M[r]![r]!;
  }
  return x;
}

function toCsr(X: number[][]): CsrMatrix {
  const indptr = [0];
  const indices: number[] = [];
  const data: number[] = [];
  for (const row of X) {
    row.forEach((v, j) => {
      if (v !== 0) {
        indices.push(j);
        data.push(v);
      }
    });
    indptr.push(indices.length);
  }
  return { rows: X.length, cols: X[0]?.length ?? 0, indptr: Int32Array.from(indptr), indices: Int32Array.from(indices), data: Float64Array.from(data) };
}

describe('solvers against a tiny dense solve', () => {
  // Deterministic pseudo-random sparse problem: 40 rows, 6 columns.
  let seed = 7;
  const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const X = Array.from({ length: 40 }, () => Array.from({ length: 6 }, () => (rand() < 0.4 ? Math.round(rand() * 100) / 10 : 0)));
  X.forEach((row, i) => (row[i % 6] = 1 + (row[i % 6] as number)));
  const y = X.map((row) => row.reduce((s, v, j) => s + v * (j - 2.5), 0) + (rand() - 0.5));
  const csr = toCsr(X);

  for (const alpha of [0, 0.5]) {
    it(`LSQR and CG reach the normal-equation solution (alpha ${alpha})`, () => {
      const expected = denseLeastSquares(X, y, alpha);
      const a = lsqr(plainOperator(csr), Float64Array.from(y), { damp: Math.sqrt(alpha), atol: 1e-14, btol: 1e-14 });
      const b = cgls(plainOperator(csr), Float64Array.from(y), { alpha, tol: 1e-13 });
      for (const [j, e] of expected.entries()) {
        expect(a.x[j]).toBeCloseTo(e, 9);
        expect(b.x[j]).toBeCloseTo(e, 9);
      }
      expect(b.converged).toBe(true);
    });
  }

  it('fitLinear with an intercept equals the dense solve on the centred problem', () => {
    const means = X[0]!.map((_, j) => X.reduce((s, r) => s + (r[j] as number), 0) / X.length);
    const yMean = y.reduce((s, v) => s + v, 0) / y.length;
    const coef = denseLeastSquares(X.map((r) => r.map((v, j) => v - (means[j] as number))), y.map((v) => v - yMean), 0);
    const fit = fitLinear(csr, Float64Array.from(y), { solver: 'cg', tol: 1e-14 });
    coef.forEach((c, j) => expect(fit.coef[j]).toBeCloseTo(c, 9));
    expect(fit.intercept).toBeCloseTo(yMean - coef.reduce((s, c, j) => s + c * (means[j] as number), 0), 9);
  });

  it('b = 0 gives x = 0 at once', () => {
    const r = lsqr(plainOperator(csr), new Float64Array(40));
    expect(r.iterations).toBe(0);
    expect([...r.x].every((v) => v === 0)).toBe(true);
  });
});

describe('data preparation and vectorisation', () => {
  const at = (s: string) => Date.parse(`2021-01-01T${s}Z`);
  const trip = (pickup: string, dropoff: string, extra: Partial<RawTrip> = {}): RawTrip => ({
    pickup: at(pickup), dropoff: at(dropoff), puLocationId: 1, doLocationId: 2, tripDistance: 1.5, ...extra,
  });

  it('keeps 1 ≤ duration ≤ 60 minutes inclusive and counts what it drops', () => {
    const t = prepareTrips('mem', [
      trip('00:00:00', '00:00:59'),
      trip('00:00:00', '00:01:00'),
      trip('00:00:00', '01:00:00'),
      trip('00:00:00', '01:00:01'),
      trip('00:00:00', '00:10:00', { puLocationId: null }),
    ]);
    expect([...t.duration]).toEqual([1, 60]);
    expect(t).toMatchObject({ rowsRead: 5, rowsOutOfRange: 2, rowsWithNulls: 1 });
    expect(durationMinutes(at('00:15:56'), at('00:19:52'))).toBe(236 / 60);
  });

  it('refuses a month with nothing left', () => {
    expect(() => prepareTrips('empty', [trip('00:00:00', '00:00:10')])).toThrow(/no ride left/);
  });

  it('DictVectorizer: sorted names, one-hot strings, unseen features dropped', () => {
    const v = fitVocabulary([{ PU_DO: '2_1', trip_distance: 3 }, { PU_DO: '10_5', trip_distance: 1 }]);
    expect(v.featureNames).toEqual(['PU_DO=10_5', 'PU_DO=2_1', 'trip_distance']);
    const X = transform(v, [{ PU_DO: '2_1', trip_distance: 4 }, { PU_DO: '9_9', trip_distance: 5 }]);
    expect([...X.indptr]).toEqual([0, 2, 3]);
    expect([...X.indices]).toEqual([1, 2, 2]);
    expect([...X.data]).toEqual([1, 4, 5]);
  });

  it('rmse', () => {
    expect(rmse([1, 2], [1, 4])).toBe(Math.SQRT2);
    expect(() => rmse([1], [])).toThrow(RangeError);
  });
});
