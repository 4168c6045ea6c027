/** serve with a model that is not the course's: /predict takes the fields its contract needs, /model shows it. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadModelFromBytes } from '../../lambda/model/index.js';
import { startPredictionService, type RunningService } from '../../serve/index.js';
import { modelFixtures } from '../model/support.js';

const dir = join(modelFixtures, 'contract');
const path = join(dir, 'homework-linreg.bin');
const [first] = readFileSync(join(dir, 'homework-linreg.expected.jsonl'), 'utf8').split('\n');
const expected = JSON.parse(first!) as { ride: { PULocationID: number; DOLocationID: number }; prediction: number };

describe('serve: a homework-style model (location ids one-hot, no distance)', () => {
  let service: RunningService;
  beforeAll(async () => {
    service = await startPredictionService({ model: loadModelFromBytes(readFileSync(path), { source: path }), port: 0 });
  });
  afterAll(() => service.close());

  it('predicts from the two location ids alone, exactly as scikit-learn', async () => {
    const res = await fetch(`${service.url}/predict`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(expected.ride) });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { duration: number }).duration).toBe(expected.prediction);
  });

  it('answers 400 naming the field the model needs', async () => {
    const res = await fetch(`${service.url}/predict`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ PULocationID: 130, trip_distance: 3.66 }) });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ error: 'invalid ride: DOLocationID: missing' });
  });

  it('GET /model shows the contract', async () => {
    const res = await fetch(`${service.url}/model`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { contract: { inputs: unknown[]; requiredFields: unknown[] } };
    expect(body.contract.inputs).toEqual([
      { key: 'DOLocationID', kind: 'one-hot', columns: expect.any(Number), from: 'ride.DOLocationID (integer)' },
      { key: 'PULocationID', kind: 'one-hot', columns: expect.any(Number), from: 'ride.PULocationID (integer)' },
    ]);
    expect(body.contract.requiredFields).toEqual([
      { name: 'PULocationID', type: 'integer' },
      { name: 'DOLocationID', type: 'integer' },
    ]);
  });
});
