/**
 * Where the shadow's pairs land, as the README says: JSON lines under `shadow/dt=<day>/<stream>/
 * <shard>/<first>-<last>.jsonl` of the dead-letter bucket, wired from the environment
 * (`SHADOW_MODEL_LOCATION`, both models in S3) on a real s3rver; the difference metrics as an
 * EMF document with the `ShadowVersion` dimension.
 */
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { readConfig } from '../../lambda/config.js';
import { createHandler } from '../../lambda/handler.js';
import { dependenciesFromConfig } from '../../lambda/environment.js';
import type { ShadowPair } from '../../lambda/shadow/types.js';
import { kinesisEvent, kinesisRecord, lambdaContext, ride, sequenceNumber } from '../support/events.js';
import { capturedMetrics } from '../support/metrics.js';
import { COURSE_MODEL_PATH } from '../support/model.js';
import { createBucket, putObject, readObjects, startS3rver, type RunningS3rver } from '../support/services.js';
import { silentLog } from '../../lambda/log-sink.js';

const CANDIDATE_PATH = new URL('../fixtures/models/linreg-sklearn-1.5.0-numpy2.bin', import.meta.url).pathname;

let s3: RunningS3rver;
beforeAll(async () => {
  s3 = await startS3rver();
  await Promise.all([createBucket(s3.client, 'models'), createBucket(s3.client, 'dead-letters')]);
  await putObject(s3.client, 'models', 'lin_reg.bin', await readFile(COURSE_MODEL_PATH));
  await putObject(s3.client, 'models', 'candidate/lin_reg.bin', await readFile(CANDIDATE_PATH));
});
afterAll(async () => {
  await s3?.dispose();
});

describe('shadow pairs in S3', () => {
  it('are written under shadow/dt=… of the dead-letter bucket, one object per batch', async () => {
    const config = readConfig({
      TEST_RUN: 'True',
      MODEL_LOCATION: 's3://models/lin_reg.bin',
      SHADOW_MODEL_LOCATION: 's3://models/candidate/lin_reg.bin',
      DEAD_LETTER_BUCKET: 'dead-letters',
      RUN_ID: 'champion',
    });
    const { metrics } = capturedMetrics();
    const { metrics: shadowMetrics, published: documents } = capturedMetrics();
    const deps = dependenciesFromConfig(config, { s3: s3.client, logger: silentLog, metrics, shadowMetrics });
    const handler = createHandler(deps);
    await handler.warmUp(); // Lambda's init: both models loaded before the first batch
    const records = [kinesisRecord({ json: ride(256) }, 0), kinesisRecord({ text: 'poison' }, 1), kinesisRecord({ json: ride(257, 43, 151, 1.2) }, 2)];
    const response = await handler(kinesisEvent(records), lambdaContext());
    vi.restoreAllMocks();
    expect(response.predictions?.map((p) => p.prediction.ride_id)).toEqual([256, 257]);

    const objects = await readObjects(s3.client, 'dead-letters', 'shadow/');
    expect(objects.map((o) => o.key)).toEqual([`shadow/dt=2025-11-25/ride_events/shardId-000000000000/${sequenceNumber(0)}-${sequenceNumber(2)}.jsonl`]);
    const pairs = objects[0]!.body.trimEnd().split('\n').map((line) => JSON.parse(line) as ShadowPair);
    expect(pairs.map((p) => [p.ride_id, p.main_version, p.main_prediction])).toEqual([
      [256, 'champion', response.predictions![0]!.prediction.ride_duration],
      [257, 'champion', response.predictions![1]!.prediction.ride_duration],
    ]);
    expect(pairs[0]!.shadow_version).toBe('sha256:2b993cd21c4e');
    expect(pairs[0]!.shadow_prediction).toBe(12.265893008827415);

    const emf = documents.find((doc) => 'ShadowMeanAbsDiff' in doc);
    expect(emf).toMatchObject({ ShadowVersion: 'sha256:2b993cd21c4e', ShadowRidesCompared: 2, service: 'ride-duration-stream' });
    const directives = (emf!._aws as { CloudWatchMetrics: Array<{ Dimensions: string[][]; Namespace: string }> }).CloudWatchMetrics[0]!;
    expect(directives.Namespace).toBe('RideDurationStream');
    expect(directives.Dimensions[0]).toEqual(expect.arrayContaining(['service', 'ShadowVersion']));
  });
});
