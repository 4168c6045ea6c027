/**
 * Parity with scikit-learn's own predictions: the fixture slices (first 2,000 rides of Feb 2021)
 * always, every ride of every ../shared golden file when ../shared is present.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadModel } from '../../lambda/model/index.js';
import { MODEL_CASES, goldenFixtures, hasShared, parity, readGolden, scoreRides, sharedDir } from './support.js';

const MAX_RELATIVE_ERROR = 1e-9;

describe('parity with scikit-learn on the fixture rides (first 2,000 of Feb 2021), through the served path', () => {
  for (const c of MODEL_CASES) {
    it(`${c.name}: every prediction equals scikit-learn's`, async () => {
      const model = await loadModel(c.fixture);
      expect(model.description.regressor).toBe(c.regressor);
      const golden = readGolden(join(goldenFixtures, `${c.name}.csv`));
      expect(golden.rows).toHaveLength(2000);
      // The rides as events carry them, through the contract's check and encoder: what processBatch scores.
      const result = parity(scoreRides(model, golden.rides), golden.expected);
      expect(result.maxRelativeError).toBeLessThanOrEqual(MAX_RELATIVE_ERROR);
      // In practice the float64 bits are identical; keep that visible.
      expect(result.mismatches).toBe(0);
    });
  }
});

describe('course anchors', () => {
  for (const c of MODEL_CASES) {
    it(`${c.name} on (130, 205, 3.66) → ${c.anchor}`, async () => {
      const { predictor } = await loadModel(c.fixture);
      expect(predictor.predictOne({ PU_DO: '130_205', trip_distance: 3.66 })).toBe(c.anchor);
    });
  }

  it('official-lin_reg on (10, 50, 40) → 26.43883355119793 (PU_DO outside the vocabulary)', async () => {
    const { predictor } = await loadModel(MODEL_CASES[0]?.fixture ?? '');
    expect(predictor.predictOne({ PU_DO: '10_50', trip_distance: 40 })).toBe(26.43883355119793);
  });

  it('RandomForest sends (10, 50, 40) to the same leaves as (130, 205, 3.66)', async () => {
    const { predictor } = await loadModel(MODEL_CASES[1]?.fixture ?? '');
    expect(predictor.predictOne({ PU_DO: '10_50', trip_distance: 40 })).toBe(21.294545348333408);
  });

  it('predict and predictOne agree', async () => {
    const { predictor } = await loadModel(MODEL_CASES[1]?.fixture ?? '');
    const rows = readGolden(join(goldenFixtures, 'official-rf-mlflow.csv')).rows.slice(0, 50);
    const batch = predictor.predict(rows);
    rows.forEach((row, i) => expect(predictor.predictOne(row)).toBe(batch[i]));
  });
});

describe.skipIf(!hasShared)('full parity on every ride of every ../shared golden file (skipped when ../shared not present)', () => {
  for (const c of MODEL_CASES) {
    it(`${c.name}: 64,572 rides within ${MAX_RELATIVE_ERROR} relative`, async () => {
      const model = await loadModel(c.shared);
      const golden = readGolden(join(sharedDir, 'golden', `${c.name}.green_2021-02.csv`));
      expect(golden.rows).toHaveLength(64_572);
      const result = parity(scoreRides(model, golden.rides), golden.expected);
      console.info(`parity ${c.name}: max relative error ${result.maxRelativeError}, ${result.mismatches} of ${result.rows} not bit-identical`);
      expect(result.maxRelativeError).toBeLessThanOrEqual(MAX_RELATIVE_ERROR);
      expect(result.mismatches).toBe(0);
    });
  }
});
