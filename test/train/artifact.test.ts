import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadModel, parseModelLocation } from '../../lambda/model/index.js';
import type { NativeLinearModel } from '../../lambda/model/native-format.js';
import { sklearnReference } from './helpers.js';

const ARTIFACT = fileURLToPath(new URL('../../model-artifacts/lin_reg-ts.json', import.meta.url));

describe('model-artifacts/lin_reg-ts.json (trained by `train` on green Jan 2021, validated on Feb)', () => {
  const json = JSON.parse(readFileSync(ARTIFACT, 'utf8')) as NativeLinearModel;

  it('records a validation RMSE within 1e-4 of scikit-learn LinearRegression and how it stopped', () => {
    const ref = sklearnReference('green-2021-01_to_2021-02');
    expect(Math.abs((json.metadata.valRmse as number) - ref.val_rmse)).toBeLessThan(1e-4);
    expect(json.metadata).toMatchObject({ solver: 'lsqr', iterations: ref.early_stop_iterations, solveMode: 'sklearn-early-stop', trainRows: ref.train_rows, valRows: ref.val_rows });
    expect(json.featureNames).toHaveLength(ref.features);
    // The README names the data by hash: these are ../shared/data's January and February files.
    expect(json.metadata['trainDataSha256']).toBe('b8e2c9496c5eada0f10adbd88f98d91721ec6fe2787a2b355cf0ccfa9678ee7b');
    expect(json.metadata['valDataSha256']).toBe('fd43c7afa2002716c8afadfd57665ab9c9ad99be419570a9b0a08de15cbeb64e');
  });

  it('loads in the model runtime and scores the course ride as coef[PU_DO] + 3.66·coef[trip_distance] + intercept', async () => {
    const { predictor, description } = await loadModel(parseModelLocation(ARTIFACT));
    expect(description).toMatchObject({ format: 'native', regressor: 'LinearRegression', featureCount: 13221 });
    expect(description.sha256).toBe(createHash('sha256').update(readFileSync(ARTIFACT)).digest('hex'));
    const pu = json.coef[json.featureNames.indexOf('PU_DO=130_205')] as number;
    const dist = json.coef[json.featureNames.indexOf('trip_distance')] as number;
    expect(predictor.predictOne({ PU_DO: '130_205', trip_distance: 3.66 })).toBe(pu + 3.66 * dist + json.intercept);
    // Unseen pair: intercept plus the distance term only.
    expect(predictor.predictOne({ PU_DO: '10_50', trip_distance: 40 })).toBe(40 * dist + json.intercept);
  });
});
