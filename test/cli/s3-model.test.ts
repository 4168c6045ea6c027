import { readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

import { runInvoke } from '../../cli/commands/invoke.js';
import { runScore } from '../../cli/commands/score.js';
import { loadCliModel } from '../../cli/model.js';
import { createBucket, putObject, startS3rver, TEST_CREDENTIALS, type RunningS3rver } from '../support/services.js';
import { memoryIO, repoPath } from './support.js';

const BUCKET = 'cli-models';
const RUN_ID = 'e1efc53e9bd149078b0c12aeaa6365df';
const LIN_REG_SHA256 = 'b51a38fd7db9b529e6050df04dfceb91c6703502034d02014f9d1996bda1861a';

let s3: RunningS3rver;
let dir: string;
beforeAll(async () => {
  s3 = await startS3rver();
  dir = await mkdtemp(join(tmpdir(), 'cli-s3-'));
  await createBucket(s3.client, BUCKET);
  await putObject(s3.client, BUCKET, 'models/lin_reg.bin', readFileSync(repoPath('model-artifacts/lin_reg.bin')));
  // The course's MLflow layout: {bucket}/{experiment}/{run}/artifacts/model/
  const mlflow = repoPath('test/fixtures/models/official-rf-mlflow');
  for (const name of readdirSync(mlflow)) {
    await putObject(s3.client, BUCKET, `1/${RUN_ID}/artifacts/model/${name}`, readFileSync(join(mlflow, name)));
  }
  vi.stubEnv('S3_ENDPOINT_URL', s3.endpoint);
  vi.stubEnv('AWS_ACCESS_KEY_ID', TEST_CREDENTIALS.accessKeyId);
  vi.stubEnv('AWS_SECRET_ACCESS_KEY', TEST_CREDENTIALS.secretAccessKey);
  vi.stubEnv('AWS_REGION', 'us-east-1');
  vi.stubEnv('RUN_ID', '');
  vi.stubEnv('MODEL_SHA256', '');
});
afterAll(async () => {
  vi.unstubAllEnvs();
  await s3.dispose();
  await rm(dir, { recursive: true, force: true });
});

describe('--model s3://… (S3_ENDPOINT_URL honoured)', () => {
  it('score loads a pickle from S3', async () => {
    const output = join(dir, 'out.csv');
    const io = memoryIO();
    await runScore({ input: repoPath('test/fixtures/rides/sample.jsonl'), output, model: `s3://${BUCKET}/models/lin_reg.bin`, limit: 1 }, io);
    expect(readFileSync(output, 'utf8')).toBe('PULocationID,DOLocationID,trip_distance,prediction\n130,205,3.66,12.78553032985699\n');
    expect(io.err()).toMatch(new RegExp(`from s3://${BUCKET}/models/lin_reg.bin`));
  });

  it('invoke loads the course MLflow folder from S3', async () => {
    const result = await runInvoke(
      { event: repoPath('events/kinesis-single-ride.json'), model: `s3://${BUCKET}/1/${RUN_ID}/artifacts/model/` },
      memoryIO(),
      { env: {} },
    );
    expect(result.predictions[0]?.prediction).toEqual({ ride_duration: 21.294545348333408, ride_id: 256 });
    expect(result.predictions[0]?.version).toBe(RUN_ID);
  });

  it('checks MODEL_SHA256 as the Lambda does', async () => {
    await expect(loadCliModel(`s3://${BUCKET}/models/lin_reg.bin`, { ...process.env, MODEL_SHA256: LIN_REG_SHA256 })).resolves.toMatchObject({
      description: { sha256: LIN_REG_SHA256 },
    });
    await expect(loadCliModel(`s3://${BUCKET}/models/lin_reg.bin`, { ...process.env, MODEL_SHA256: '0'.repeat(64) })).rejects.toThrow(/sha256/i);
  });

  it('names the missing object', async () => {
    await expect(loadCliModel(`s3://${BUCKET}/models/nope.bin`)).rejects.toThrow(/nope\.bin/);
  });
});
