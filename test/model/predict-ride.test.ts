/**
 * `predictRide(rideHandle(puDo), distance)`, the hot path's scoring without a row object, is `predictOne` of
 * the course row `{PU_DO, trip_distance}`, bit for bit, for every model the fixtures hold (linear,
 * trees, forest, pipelines, unusual vectorizers): known and unseen pick-up/drop-off pairs, zero,
 * tiny, huge and negative-zero distances.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadModel, type LoadedModel } from '../../lambda/model/index.js';
import { modelFixtures, repoRoot } from './support.js';

const generated = join(modelFixtures, 'generated');
const candidates = [
  join(repoRoot, 'model-artifacts/lin_reg.bin'),
  join(modelFixtures, 'official-rf-mlflow'),
  join(modelFixtures, 'lasso-sklearn-1.5.0.bin'),
  join(modelFixtures, 'linreg-sklearn-1.5.0-numpy2.bin'),
  ...readdirSync(generated)
    .filter((name) => /\.(bin|pkl)$/.test(name) || name.startsWith('mlflow-'))
    .filter((name) => !name.endsWith('.csv'))
    .map((name) => join(generated, name)),
];

async function loadable(path: string): Promise<LoadedModel | undefined> {
  try {
    return await loadModel(path);
  } catch {
    return undefined; // refused models (float32 vectorizers, two targets) are covered by their own suites
  }
}

const location = fc.integer({ min: 0, max: 300 });
const distance = fc.oneof(
  fc.double({ min: 0, max: 100, noNaN: true }),
  fc.constantFrom(0, -0, 5e-324, 1e-300, 1e300, 3.66, 40),
);

let loaded = 0;

describe('predictRide equals predictOne of the course row', () => {
  it.each(candidates.map((path) => [path.replace(`${repoRoot}/`, ''), path] as const))('%s', async (_name, path) => {
    const model = await loadable(path);
    if (model === undefined) return;
    loaded++;
    const { predictor } = model;
    expect(typeof predictor.predictRide).toBe('function');
    expect(typeof predictor.rideHandle).toBe('function');
    fc.assert(
      fc.property(location, location, distance, (pickup, dropoff, tripDistance) => {
        const puDo = `${pickup}_${dropoff}`;
        const viaRow = predictor.predictOne({ PU_DO: puDo, trip_distance: tripDistance });
        expect(Object.is(predictor.predictRide!(predictor.rideHandle!(puDo), tripDistance), viaRow)).toBe(true);
      }),
      { numRuns: 400, seed: 20261201 },
    );
  });

  it('covered most of the fixtures (the rest are refused at load by design)', () => {
    expect(loaded).toBeGreaterThanOrEqual(20);
  });
});
