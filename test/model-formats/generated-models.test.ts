/**
 * Parity on real scikit-learn 1.2.1 models in the formats the shared reference pickles do not cover
 * (test/fixtures/models/generated, made by generate.py there): Ridge, ElasticNet, DecisionTree,
 * RandomForest, a bare Pipeline, pickle protocols 2/3/5, an MLflow folder, 64-byte tree node
 * records (scikit-learn >= 1.3), numpy-2 module paths and DictVectorizer/regressor settings.
 * Each model scores 300 February rides plus one unseen PU_DO exactly as scikit-learn did.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

import { loadModel, loadModelFromBytes, parseModelLocation } from '../../lambda/model/index.js';
import { GENERATED_DIR, maxRelativeError, readExpected, readManifest } from './generated-fixtures.js';
import type { GeneratedModel } from './generated-fixtures.js';

const MAX_RELATIVE_ERROR = 1e-9;

/**
 * Models whose last bit may legitimately differ: with `DictVectorizer(sparse=False)` scikit-learn
 * takes a dense BLAS dot product over all columns, whose summation order is the BLAS's own.
 */
const NOT_BIT_EXACT: Readonly<Record<string, string>> = {
  'dv-dense': 'dense BLAS dot product over every column',
};

const manifest = readManifest();

function locationOf(model: GeneratedModel): string {
  return join(GENERATED_DIR, model.directory ?? model.file);
}

describe('generated fixtures are what they claim', () => {
  it('covers every format of the brief', () => {
    const names = manifest.models.map((m) => m.name);
    for (const name of [
      'ridge', 'elasticnet', 'dtree', 'rf', 'pipeline-linreg', 'linreg-proto2', 'linreg-proto3', 'linreg-proto5',
      'mlflow-dtree-pipeline', 'dtree-nodes64', 'rf-nodes64', 'rf-nodes64-numpy2', 'ridge-numpy2',
    ]) {
      expect(names).toContain(name);
    }
    expect(manifest.sklearnVersion).toBe('1.2.1');
  });

  for (const model of manifest.models) {
    it(`${model.name}: pickle protocol ${model.protocol}, ${model.bytes} bytes, node records as declared`, () => {
      const bytes = readFileSync(join(GENERATED_DIR, model.file));
      expect(bytes.length).toBe(model.bytes);
      expect([bytes[0], bytes[1]]).toEqual([0x80, model.protocol]);
      const text = bytes.toString('latin1');
      // The 64-byte record layout carries the extra field name in its dtype; the 56-byte one does not.
      if (model.nodeBytes !== undefined) expect(text.includes('missing_go_to_left')).toBe(model.nodeBytes === 64);
      const numpy2 = model.crafted?.includes('numpy2') ?? false;
      expect(text.includes('numpy._core')).toBe(numpy2);
      expect(text.includes('numpy.core')).toBe(!numpy2);
    });
  }
});

describe('every generated model scores exactly as scikit-learn 1.2.1', () => {
  for (const model of manifest.models) {
    const exact = NOT_BIT_EXACT[model.name] === undefined;
    it(`${model.name} (${model.format}, ${model.regressor}${model.note ? `; ${model.note}` : ''}): ${manifest.scoreRows} rides within ${MAX_RELATIVE_ERROR} relative${exact ? ', bit-identical' : ''}`, async () => {
      const { predictor } = await loadModel(parseModelLocation(locationOf(model)));
      const expected = readExpected(model);
      expect(expected).toHaveLength(manifest.scoreRows);
      const got = predictor.predict(expected.map((r) => r.features));
      expect(got).toHaveLength(expected.length);
      expect(maxRelativeError(got, expected)).toBeLessThanOrEqual(MAX_RELATIVE_ERROR);
      if (exact) {
        const mismatches = expected.flatMap((r, i) => (got[i] === r.prediction ? [] : [`${r.pu},${r.do},${r.tripDistance}: ${got[i]} != ${r.prediction}`]));
        expect(mismatches).toEqual([]);
      }
      // predictOne is the handler's single-ride path; it must agree with the batch bit for bit.
      expected.forEach((r, i) => expect(predictor.predictOne(r.features)).toBe(got[i]));
    });
  }

  it('each expected file ends with the ride whose PU_DO no vocabulary holds', () => {
    const [pu, dropoff, distance] = manifest.unseenRide;
    for (const model of manifest.models) {
      const last = readExpected(model).at(-1);
      expect(last?.features).toEqual({ PU_DO: `${pu}_${dropoff}`, trip_distance: distance });
      expect(Number.isFinite(last?.prediction)).toBe(true);
    }
  });
});

describe('description of each generated model', () => {
  for (const model of manifest.models) {
    it(`${model.name}: format ${model.format}, ${model.regressor}, ${model.featureCount} features`, async () => {
      const location = locationOf(model);
      const { description } = await loadModel(location);
      expect(description).toMatchObject({
        format: model.format,
        regressor: model.regressor,
        featureCount: model.featureCount,
        sklearnVersion: '1.2.1',
        sha256: model.sha256,
        source: location,
        version: model.version ?? `sha256:${model.sha256.slice(0, 12)}`,
      });
    });
  }

  it('the MLflow folder reports its run id as version and loads the same through its MLmodel path', async () => {
    const mlflow = manifest.models.find((m) => m.format === 'mlflow');
    expect(mlflow?.version).toBe('5eed0f1c7a2b4e0d9c3b8a6f4d2e1c0b');
    if (!mlflow?.directory) throw new Error('manifest has no MLflow folder');
    const viaFolder = await loadModel(join(GENERATED_DIR, mlflow.directory));
    const viaMlmodel = await loadModel(join(GENERATED_DIR, mlflow.directory, 'MLmodel'));
    expect(viaMlmodel.description.version).toBe(mlflow.version);
    expect(viaMlmodel.description.sha256).toBe(viaFolder.description.sha256);
    const rows = readExpected(mlflow).map((r) => r.features);
    expect(viaMlmodel.predictor.predict(rows)).toEqual(viaFolder.predictor.predict(rows));
  });

  it('loadModelFromBytes reads the same bytes to the same model', async () => {
    const model = manifest.models.find((m) => m.name === 'rf-nodes64-numpy2');
    if (!model) throw new Error('manifest has no rf-nodes64-numpy2');
    const fromFile = await loadModel(locationOf(model));
    const fromBytes = loadModelFromBytes(readFileSync(locationOf(model)), { source: 'in-memory' });
    expect(fromBytes.description).toEqual({ ...fromFile.description, source: 'in-memory' });
    const rows = readExpected(model);
    expect(maxRelativeError(fromBytes.predictor.predict(rows.map((r) => r.features)), rows)).toBe(0);
  });
});
