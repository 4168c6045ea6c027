import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadModel, parseModelLocation } from '../../lambda/model/index.js';
import { COURSE_ANCHOR } from '../support/model.js';
import { createBucket, putObject, startS3rver, TEST_CREDENTIALS } from '../support/services.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

const RIDE = { PULocationID: 130, DOLocationID: 205, trip_distance: 3.66 };

/** Starts `serve` as a child process; resolves once it prints its URL. */
async function startServe(args: string[], env: NodeJS.ProcessEnv = process.env) {
  const child = spawn(process.execPath, ['bin/ride-duration.js', 'serve', '--port', '0', ...args], {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
  const exited = once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
  const first = once(child.stdout.setEncoding('utf8'), 'data') as Promise<[string]>;
  const [line] = await Promise.race([first, exited.then(() => { throw new Error(`serve exited: ${stderr}`); })]);
  return { child, url: line.trim(), exited, stderr: () => stderr };
}

describe('ride-duration serve (the real CLI process)', () => {
  it('loads the model once from S3 (S3_ENDPOINT_URL) and exits 130 on SIGINT', async () => {
    const s3 = await startS3rver();
    try {
      await createBucket(s3.client, 'models');
      const artifact = fileURLToPath(new URL('../../model-artifacts/lin_reg-ts.json', import.meta.url));
      await putObject(s3.client, 'models', 'ride-duration/lin_reg-ts.json', readFileSync(artifact));
      const local = await loadModel(parseModelLocation(artifact));
      const served = await startServe(['--model', 's3://models/ride-duration/lin_reg-ts.json'], {
        ...process.env,
        S3_ENDPOINT_URL: s3.endpoint,
        AWS_ACCESS_KEY_ID: TEST_CREDENTIALS.accessKeyId,
        AWS_SECRET_ACCESS_KEY: TEST_CREDENTIALS.secretAccessKey,
        AWS_REGION: 'us-east-1',
      });
      try {
        // The object is fetched at start-up only: stopping S3 does not affect serving.
        await s3.stop();
        const res = await fetch(`${served.url}/predict`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(RIDE) });
        expect(await res.json()).toEqual({ duration: local.predictor.predictOne({ PU_DO: '130_205', trip_distance: 3.66 }), model_version: local.description.version });
        expect(served.stderr()).toMatch(/version sha256:[0-9a-f]{12}\) from s3:\/\/models\/ride-duration\/lin_reg-ts\.json/);
        served.child.kill('SIGINT');
        expect((await served.exited)[0]).toBe(130);
      } finally {
        if (served.child.exitCode === null) served.child.kill('SIGKILL');
      }
    } finally {
      await s3.dispose();
    }
  });

  it('prints its URL, serves the course anchor and exits 143 on SIGTERM after finishing', async () => {
    const child = spawn(process.execPath, ['bin/ride-duration.js', 'serve', '--port', '0', '--run-id', 'run-42'], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    const exited = once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
    try {
      const [first] = (await once(child.stdout.setEncoding('utf8'), 'data')) as [string];
      const url = first.trim();
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const res = await fetch(`${url}/predict`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ PULocationID: 130, DOLocationID: 205, trip_distance: 3.66 }),
      });
      expect(await res.json()).toEqual({ duration: COURSE_ANCHOR.ride_duration, model_version: 'run-42' });
      child.kill('SIGTERM');
      const [code] = await exited;
      expect(code).toBe(143);
      expect(stderr).toMatch(/SIGTERM: no new connections/);
      expect(stderr).toMatch(/stopped/);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });
});
