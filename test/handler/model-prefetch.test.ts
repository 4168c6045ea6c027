/**
 * The cold start's model prefetch (lambda/model-prefetch.ts) against s3rver: with the sidecar
 * pinned alone, as the stack deploys it, the pickle is only HEADed; any other pinning downloads it.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readConfig } from '../../lambda/config.js';
import { loadConfiguredModel } from '../../lambda/model-loading.js';
import { prefetchModel, signedS3ClientFor } from '../../lambda/model-prefetch.js';
import { COMPILED_MODEL_SUFFIX, compileSidecar } from '../../lambda/model/index.js';
import { sha256Hex } from '../../lambda/model/digest.js';
import { COURSE_ANCHOR, COURSE_MODEL_PATH } from '../support/model.js';
import { createBucket, putObject, startS3rver, TEST_CREDENTIALS, TEST_REGION, type RunningS3rver } from '../support/services.js';

const pickle = readFileSync(COURSE_MODEL_PATH);
const sidecar = compileSidecar(pickle).bytes;
let s3: RunningS3rver;

beforeAll(async () => {
  s3 = await startS3rver();
  await createBucket(s3.client, 'prefetch');
  await putObject(s3.client, 'prefetch', 'models/lin_reg.bin', pickle);
  await putObject(s3.client, 'prefetch', `models/lin_reg.bin${COMPILED_MODEL_SUFFIX}`, sidecar);
});
afterAll(async () => s3.dispose());

function configWith(pins: Record<string, string>) {
  return readConfig({
    AWS_REGION: TEST_REGION,
    AWS_ACCESS_KEY_ID: TEST_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: TEST_CREDENTIALS.secretAccessKey,
    MODEL_LOCATION: 's3://prefetch/models/lin_reg.bin',
    S3_ENDPOINT_URL: s3.endpoint,
    TEST_RUN: 'True',
    ...pins,
  });
}

describe('prefetchModel', () => {
  it('with MODEL_COMPILED_SHA256 alone: the pickle HEADed, the sidecar downloaded, the model the pickle\'s', async () => {
    const config = configWith({ MODEL_COMPILED_SHA256: sha256Hex(sidecar) });
    const client = signedS3ClientFor(config)!;
    const prefetched = prefetchModel(config, client)!;
    expect('head' in (await prefetched)).toBe(true);
    const model = await loadConfiguredModel(config, client, prefetched);
    expect(model.description).toMatchObject({ sha256: sha256Hex(pickle), compiled: { used: true, pickle: 'etag' } });
    expect(model.predictor.predictOne({ PU_DO: '130_205', trip_distance: 3.66 })).toBe(COURSE_ANCHOR.ride_duration);
  });

  it('with MODEL_SHA256 too, or no pin: the pickle downloaded', async () => {
    const pinnings: Array<Record<string, string>> = [{ MODEL_COMPILED_SHA256: sha256Hex(sidecar), MODEL_SHA256: sha256Hex(pickle) }, {}];
    for (const pins of pinnings) {
      const config = configWith(pins);
      const client = signedS3ClientFor(config)!;
      const prefetched = prefetchModel(config, client)!;
      expect('bytes' in (await prefetched)).toBe(true);
      const model = await loadConfiguredModel(config, client, prefetched);
      expect(model.description).toMatchObject({ sha256: sha256Hex(pickle), compiled: { used: true } });
      expect(model.description.compiled?.pickle).toBeUndefined();
    }
  });
});
