import { describe, expect, it } from 'vitest';
import { readTrips, trainModel } from '../../train/index.js';
import { HAS_SHARED, SHARED_DATA, sklearnReference } from './helpers.js';

// The acceptance check: green Jan 2021 → Feb 2021 validation RMSE equals sklearn's to 1e-4.
describe.skipIf(!HAS_SHARED)('trainer on ../shared/data green Jan → Feb 2021 (needs ../shared)', () => {
  it('early-stopped LSQR reproduces sklearn LinearRegression to 1e-4 (27 iterations, 13,221 features)', async () => {
    const ref = sklearnReference('green-2021-01_to_2021-02');
    const jan = await readTrips(`${SHARED_DATA}green_tripdata_2021-01.parquet`);
    const feb = await readTrips(`${SHARED_DATA}green_tripdata_2021-02.parquet`);
    const r = trainModel(jan, feb);
    expect(r.vocabulary.featureNames).toHaveLength(ref.features);
    expect(r.trainRows).toBe(ref.train_rows);
    expect(r.valRows).toBe(ref.val_rows);
    expect(r.fit.solve.iterations).toBe(ref.early_stop_iterations);
    expect(Math.abs(r.valRmse - ref.val_rmse)).toBeLessThan(1e-4);
    expect(Math.abs(r.trainRmse - ref.train_rmse)).toBeLessThan(1e-4);
  });

  it('the homework recipe reproduces sklearn LinearRegression to 1e-4 (506 one-hot features, no distance)', async () => {
    const ref = sklearnReference('green-2021-01_to_2021-02_homework');
    const jan = await readTrips(`${SHARED_DATA}green_tripdata_2021-01.parquet`);
    const feb = await readTrips(`${SHARED_DATA}green_tripdata_2021-02.parquet`);
    const r = trainModel(jan, feb, { recipe: 'homework' });
    expect(r.vocabulary.featureNames).toHaveLength(ref.features);
    // Rank-deficient twice over: the early stop comes within a few iterations of scipy's (trainer.test.ts).
    expect(Math.abs(r.fit.solve.iterations - (ref.early_stop_iterations as number))).toBeLessThanOrEqual(3);
    expect(Math.abs(r.valRmse - ref.val_rmse)).toBeLessThan(1e-4);
    expect(Math.abs(r.trainRmse - ref.train_rmse)).toBeLessThan(1e-4);
  });
});
