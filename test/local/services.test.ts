/**
 * The embedded services: free loopback ports, streams and buckets created, model files uploaded
 * (a file, or every file of an MLflow folder), everything removed on stop.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DescribeStreamSummaryCommand } from '@aws-sdk/client-kinesis';
import { GetObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { loadModel } from '../../lambda/model/index.js';
import { startLocalServices } from '../../local/services.js';

describe('startLocalServices', () => {
  it('starts kinesalite and s3rver on loopback, creates sharded streams and uploads a model file', async () => {
    const services = await startLocalServices({ shards: 3, modelPath: 'model-artifacts/lin_reg.bin' });
    try {
      expect(services.kinesisEndpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(services.s3Endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(services.inputStream.shardIds).toHaveLength(3);
      expect(services.outputStream.arn).toBe('arn:aws:kinesis:us-east-1:000000000000:stream/ride_predictions');
      const { StreamDescriptionSummary } = await services.kinesis.send(
        new DescribeStreamSummaryCommand({ StreamName: 'ride_events' }),
      );
      expect(StreamDescriptionSummary?.StreamStatus).toBe('ACTIVE');
      expect(services.modelLocation).toBe('s3://models/lin_reg.bin');
      const object = await services.s3.send(new GetObjectCommand({ Bucket: 'models', Key: 'lin_reg.bin' }));
      expect((await object.Body?.transformToByteArray())?.length).toBe(411_402);
      const letters = await services.s3.send(new ListObjectsV2Command({ Bucket: services.deadLetterBucket }));
      expect(letters.KeyCount ?? 0).toBe(0);
    } finally {
      await services.stop();
    }
    expect(existsSync(services.s3Directory)).toBe(false);
    await services.stop(); // idempotent
  });

  it('uploads a model file alone under its name', async () => {
    const services = await startLocalServices({ modelPath: 'test/fixtures/models/generated/rf.bin' });
    try {
      const { Contents = [] } = await services.s3.send(new ListObjectsV2Command({ Bucket: 'models' }));
      expect(Contents.map((c) => c.Key)).toEqual(['rf.bin']);
    } finally {
      await services.stop();
    }
  });

  it("uploads a model file's recipe beside it, where the function finds it", async () => {
    const services = await startLocalServices({ modelPath: 'test/fixtures/models/contract/hour-recipe-ridge.bin' });
    try {
      const { Contents = [] } = await services.s3.send(new ListObjectsV2Command({ Bucket: 'models' }));
      expect(Contents.map((c) => c.Key)).toEqual(['hour-recipe-ridge.bin', 'hour-recipe-ridge.bin.recipe.json']);
      const model = await loadModel(services.modelLocation!, { s3: services.s3 });
      expect(model.contract.describe()).toContain('pickup_hour (one-hot) ← hour(lpep_pickup_datetime)');
    } finally {
      await services.stop();
    }
  });

  it('uploads every file of an MLflow model folder under one prefix', async () => {
    const folder = join(mkdtempSync(join(tmpdir(), 'mlflow-')), 'model');
    mkdirSync(join(folder, 'nested'), { recursive: true });
    writeFileSync(join(folder, 'MLmodel'), 'flavors: {}\n');
    writeFileSync(join(folder, 'model.pkl'), Buffer.from([0x80, 0x04]));
    writeFileSync(join(folder, 'nested', 'extra.txt'), 'x');
    const services = await startLocalServices({ modelPath: folder });
    try {
      expect(services.modelLocation).toBe('s3://models/model/');
      const { Contents = [] } = await services.s3.send(new ListObjectsV2Command({ Bucket: 'models' }));
      expect(Contents.map((c) => c.Key).sort()).toEqual(['model/MLmodel', 'model/model.pkl', 'model/nested/extra.txt']);
    } finally {
      await services.stop();
    }
  });

  it('removes temporary directories left by killed runs, and only those', async () => {
    const child = spawnSync(process.execPath, ['-e', '0']);
    const deadPid = child.pid;
    const stale = join(tmpdir(), `ride-duration-s3-${deadPid}-test`);
    const live = join(tmpdir(), `ride-duration-s3-${process.pid}-test`);
    mkdirSync(join(stale, 'models'), { recursive: true });
    mkdirSync(live, { recursive: true });
    const services = await startLocalServices();
    try {
      expect(existsSync(stale)).toBe(false);
      expect(existsSync(live)).toBe(true);
    } finally {
      await services.stop();
      rmSync(live, { recursive: true, force: true });
    }
  });

  it('refuses a model path that does not exist, leaving nothing running', async () => {
    await expect(startLocalServices({ modelPath: '/does/not/exist.bin' })).rejects.toThrow(/model not found/);
  });
});
