/**
 * The exported `handler`, wired from the environment exactly as in Lambda (this file runs in its
 * own process, so the module-level handler is fresh).
 */
import { readFile } from 'node:fs/promises';
import type { KinesisStreamEvent } from 'aws-lambda';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { lambdaContext } from '../support/events.js';
import { COURSE_ANCHOR, COURSE_MODEL_PATH } from '../support/model.js';

afterAll(() => {
  vi.unstubAllEnvs();
});

describe('handler from the environment', () => {
  it('answers the course test event with the course prediction under TEST_RUN', async () => {
    vi.stubEnv('TEST_RUN', 'True');
    vi.stubEnv('RUN_ID', 'Test123');
    vi.stubEnv('MODEL_LOCATION', COURSE_MODEL_PATH);
    vi.stubEnv('POWERTOOLS_METRICS_DISABLED', 'true');
    vi.stubEnv('LOG_LEVEL', 'SILENT');
    const { handler } = await import('../../lambda/environment.js');
    const event = JSON.parse(await readFile(new URL('../../events/kinesis-single-ride.json', import.meta.url), 'utf8')) as KinesisStreamEvent;

    const response = await handler(event, lambdaContext());

    expect(response).toStrictEqual({
      predictions: [
        { model: 'ride_duration_prediction_model', version: 'Test123', prediction: { ride_duration: COURSE_ANCHOR.ride_duration, ride_id: 256 } },
      ],
      batchItemFailures: [],
      deadLetters: [],
    });
  });
});
