import { describe, expect, it } from 'vitest';
import { ConfigError, parseFlag, readConfig } from '../../lambda/config.js';

describe('readConfig', () => {
  it('has the documented defaults', () => {
    expect(readConfig({})).toEqual({
      predictionsStreamName: undefined,
      runId: undefined,
      testRun: false,
      modelLocation: undefined,
      modelSha256: undefined,
      kinesisEndpointUrl: undefined,
      s3EndpointUrl: undefined,
      deadLetterBucket: undefined,
      deadLetterPrefix: 'dead-letters/',
      shadowModelLocation: undefined,
      shadowPairsPrefix: 'shadow/',
      serviceName: 'ride-duration-stream',
      metricsNamespace: 'RideDurationStream',
      logLevel: undefined,
      region: undefined,
    });
  });

  it('reads TEST_RUN as the course writes it', () => {
    expect(['True', 'true', '1', 'yes', ' TRUE '].map(parseFlag)).toEqual([true, true, true, true, true]);
    expect(['False', '0', '', 'no', undefined].map(parseFlag)).toEqual([false, false, false, false, false]);
  });

  it.each([
    [{ MODEL_LOCATION: 's3://b/k.bin', MODEL_BUCKET: 'x', MODEL_KEY: 'y' }, 's3://b/k.bin'],
    [{ MODEL_BUCKET: 'models', MODEL_KEY: '/course/lin_reg.bin' }, 's3://models/course/lin_reg.bin'],
    [{ MODEL_BUCKET: 'mlflow', MLFLOW_EXPERIMENT_ID: '1', RUN_ID: 'e1efc53e9bd149078b0c12aeaa6365df' }, 's3://mlflow/1/e1efc53e9bd149078b0c12aeaa6365df/artifacts/model/'],
    [{ MODEL_LOCATION: 'model-artifacts/lin_reg.bin' }, 'model-artifacts/lin_reg.bin'],
  ])('resolves the model location from %j', (env, location) => {
    expect(readConfig(env).modelLocation).toBe(location);
  });

  it('refuses a bucket without a key or MLflow run, and a malformed MODEL_SHA256', () => {
    expect(() => readConfig({ MODEL_BUCKET: 'models' })).toThrow(ConfigError);
    expect(() => readConfig({ MODEL_SHA256: 'abc' })).toThrow(/MODEL_SHA256 must be 64 hex digits/);
    expect(readConfig({ MODEL_SHA256: 'AB'.repeat(32) }).modelSha256).toBe('ab'.repeat(32));
  });

  it('normalises the dead-letter prefix and treats empty values as unset', () => {
    expect(readConfig({ DEAD_LETTER_PREFIX: '/poison' }).deadLetterPrefix).toBe('poison/');
    expect(readConfig({ DEAD_LETTER_PREFIX: 'a/b/' }).deadLetterPrefix).toBe('a/b/');
    expect(readConfig({ DEAD_LETTER_BUCKET: '  ', RUN_ID: '' })).toMatchObject({ deadLetterBucket: undefined, runId: undefined });
  });
});
