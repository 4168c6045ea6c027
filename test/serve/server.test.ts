import { mkdtemp, rm } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadModel, parseModelLocation } from '../../lambda/model/index.js';
import { startPredictionService, type RunningService } from '../../serve/index.js';
import { predictLinear, trainModel, transform, writeNativeModel } from '../../train/index.js';
import { COURSE_ANCHOR, courseModel } from '../support/model.js';
import { readPreparedCsv } from '../train/helpers.js';

const ride = { PULocationID: 130, DOLocationID: 205, trip_distance: 3.66 };

async function post(url: string, body: string, headers: Record<string, string> = { 'content-type': 'application/json' }) {
  const res = await fetch(`${url}/predict`, { method: 'POST', headers, body });
  return { status: res.status, headers: res.headers, body: (await res.json()) as Record<string, unknown> };
}

describe('serve: the course web-service contract on a real server (port 0)', () => {
  let service: RunningService;
  beforeAll(async () => {
    service = await startPredictionService({ model: await courseModel(), port: 0 });
  });
  afterAll(() => service.close());

  it('POST /predict returns the course anchor and the model version', async () => {
    const r = await post(service.url, JSON.stringify(ride));
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ duration: COURSE_ANCHOR.ride_duration, model_version: 'sha256:b51a38fd7db9' });
  });

  it('ignores unknown extra fields; a body without Content-Type is read as JSON', async () => {
    const r = await fetch(`${service.url}/predict`, { method: 'POST', body: new Blob([JSON.stringify({ ...ride, vendor: 2 })]) });
    expect(r.status).toBe(200);
    expect(((await r.json()) as { duration: number }).duration).toBe(COURSE_ANCHOR.ride_duration);
  });

  it('GET /health describes the loaded model', async () => {
    const res = await fetch(`${service.url}/health`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: 'ok', model: { version: 'sha256:b51a38fd7db9', regressor: 'LinearRegression', featureCount: 13221 } });
  });

  it.each([
    ['not JSON', '{"PULocationID": 130,', /body is not valid JSON/],
    ['empty body', '', /empty body/],
    ['an array', '[1, 2]', /^invalid ride: expected a JSON object$/],
    ['a missing field', '{"PULocationID": 130, "trip_distance": 3.66}', /^invalid ride: DOLocationID: missing$/],
    ['a fractional location', '{"PULocationID": 1.5, "DOLocationID": 205, "trip_distance": 3.66}', /PULocationID: expected an integer/],
    ['a negative distance', '{"PULocationID": 130, "DOLocationID": 205, "trip_distance": -1}', /^invalid ride: trip_distance: expected a finite number >= 0$/],
    ['a string distance', '{"PULocationID": 130, "DOLocationID": 205, "trip_distance": "3.66"}', /trip_distance: expected a finite number/],
  ])('400 with a clear message on %s', async (_name, body, message) => {
    const r = await post(service.url, body);
    expect(r.status).toBe(400);
    expect(String(r.body['error'])).toMatch(message);
  });

  it('415 on a non-JSON content type', async () => {
    const r = await post(service.url, JSON.stringify(ride), { 'content-type': 'text/plain' });
    expect(r.status).toBe(415);
  });

  it('413 on a body over 64 KiB, declared or streamed', async () => {
    const big = JSON.stringify({ ...ride, padding: 'x'.repeat(70 * 1024) });
    const declared = await post(service.url, big);
    expect(declared.status).toBe(413);
    expect(String(declared.body['error'])).toMatch(/exceeds the limit of 65536 bytes/);
    // Chunked upload without Content-Length: cut off while streaming.
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(`${service.url}/predict`, { method: 'POST', headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked' } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      for (let i = 0; i < 80; i++) req.write('x'.repeat(1024));
      req.end();
    });
    expect(status).toBe(413);
  });

  it('404 on unknown paths, 405 with Allow on wrong methods', async () => {
    expect((await fetch(`${service.url}/nope`)).status).toBe(404);
    const res = await fetch(`${service.url}/predict`);
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('POST');
    expect((await fetch(`${service.url}/health`, { method: 'DELETE' })).status).toBe(405);
  });
});

describe('serve: options and shutdown', () => {
  it('answers with a given model_version (RUN_ID)', async () => {
    const service = await startPredictionService({ model: await courseModel(), port: 0, modelVersion: 'e1efc53e9bd149078b0c12aeaa6365df' });
    try {
      expect((await post(service.url, JSON.stringify(ride))).body['model_version']).toBe('e1efc53e9bd149078b0c12aeaa6365df');
    } finally {
      await service.close();
    }
  });

  it('close() finishes an in-flight request, then refuses new connections', async () => {
    const service = await startPredictionService({ model: await courseModel(), port: 0 });
    const body = JSON.stringify(ride);
    const inFlight = new Promise<{ status: number; text: string }>((resolve, reject) => {
      const req = request(`${service.url}/predict`, { method: 'POST', headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } }, (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (text += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
      });
      req.on('error', reject);
      // Half the body now, the rest after shutdown has begun.
      req.write(body.slice(0, 10));
      setTimeout(() => req.end(body.slice(10)), 150);
    });
    await new Promise((r) => setTimeout(r, 50));
    const closed = service.close();
    const done = await inFlight;
    expect(done.status).toBe(200);
    expect(JSON.parse(done.text)).toMatchObject({ duration: COURSE_ANCHOR.ride_duration });
    await closed;
    await expect(fetch(`${service.url}/health`)).rejects.toThrow();
  });

  it('serves a model trained by `train` (native JSON artifact) with the trainer’s own predictions', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'serve-native-'));
    try {
      const result = trainModel(readPreparedCsv('jan-2021-first3000.csv'), readPreparedCsv('feb-2021-first2000.csv'));
      const path = join(dir, 'model.json');
      await writeNativeModel(path, result.model);
      const service = await startPredictionService({ model: await loadModel(parseModelLocation(path)), port: 0 });
      try {
        const rides = [ride, { PULocationID: 74, DOLocationID: 75, trip_distance: 1.2 }, { PULocationID: 9999, DOLocationID: 1, trip_distance: 7 }];
        const X = transform(result.vocabulary, rides.map((r) => ({ PU_DO: `${r.PULocationID}_${r.DOLocationID}`, trip_distance: r.trip_distance })));
        const expected = predictLinear(X, result.fit.coef, result.fit.intercept);
        for (const [i, r] of rides.entries()) {
          const res = await post(service.url, JSON.stringify(r));
          expect(res.status).toBe(200);
          expect(res.body['duration']).toBe(expected[i]);
        }
      } finally {
        await service.close();
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
