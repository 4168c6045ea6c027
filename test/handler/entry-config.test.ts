/**
 * Configuration errors surface on invocation with a clear message (own process: fresh module state).
 */
import { afterAll, describe, expect, it, vi } from 'vitest';
import { kinesisEvent, kinesisRecord, lambdaContext, ride } from '../support/events.js';

afterAll(() => {
  vi.unstubAllEnvs();
});

describe('handler from an incomplete environment', () => {
  it('throws a ConfigError naming PREDICTIONS_STREAM_NAME outside TEST_RUN, and keeps throwing', async () => {
    vi.stubEnv('TEST_RUN', '');
    vi.stubEnv('PREDICTIONS_STREAM_NAME', '');
    vi.stubEnv('MODEL_LOCATION', 'model-artifacts/lin_reg.bin');
    vi.stubEnv('LOG_LEVEL', 'SILENT');
    const { handler } = await import('../../lambda/environment.js');
    const event = kinesisEvent([kinesisRecord({ json: ride(1) }, 0)]);
    await expect(handler(event, lambdaContext())).rejects.toThrow(/PREDICTIONS_STREAM_NAME is required unless TEST_RUN=True/);
    await expect(handler(event, lambdaContext())).rejects.toThrow(/PREDICTIONS_STREAM_NAME/);
  });

  it('fails the batch with a clear error when no model is configured', async () => {
    vi.stubEnv('TEST_RUN', 'True');
    vi.stubEnv('MODEL_LOCATION', '');
    vi.stubEnv('POWERTOOLS_METRICS_DISABLED', 'true');
    vi.resetModules();
    const [{ handler }, { ModelUnavailableError }] = await Promise.all([import('../../lambda/environment.js'), import('../../lambda/handler.js')]);
    const error: unknown = await handler(kinesisEvent([kinesisRecord({ json: ride(1) }, 0)]), lambdaContext()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ModelUnavailableError);
    expect((error as Error).message).toMatch(/no model configured: set MODEL_LOCATION/);
  });
});
