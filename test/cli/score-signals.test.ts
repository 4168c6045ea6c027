/**
 * Ctrl-C and SIGTERM during `score`, with real signals on a spawned process: it stops, removes its
 * `.partial` output, says in one line that nothing was kept, and exits 130 / 143.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createBucket, startS3rver, type RunningS3rver } from '../support/services.js';
import { repoPath } from './support.js';

let dir: string;
let input: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'score-signals-'));
  // ~400,000 clean rides (the bundled 3,000-ride sample, repeated): several seconds of scoring, so the signal lands mid-run.
  const [header = '', ...lines] = readFileSync(repoPath('local/data/green_tripdata_2021-02.sample.csv'), 'utf8').trimEnd().split('\n');
  const body = Array.from({ length: 134 }, () => lines.join('\n')).join('\n');
  input = join(dir, 'rides.csv');
  await writeFile(input, `${header}\n${body}\n`, 'utf8');
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Runs `score -i <rides> -o output`, sends `signal` once `started()` holds, and waits for the exit. */
async function interrupted(
  signal: 'SIGINT' | 'SIGTERM',
  output: string,
  started: (stderr: string) => boolean = () => existsSync(`${output}.partial`),
  env: NodeJS.ProcessEnv = {},
): Promise<{ code: number | null; stderr: string }> {
  const child = spawn(process.execPath, [repoPath('bin/ride-duration.js'), 'score', '-i', input, '-o', output], {
    env: { ...process.env, DEBUG: '', ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (text: string) => (stderr += text));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  // Signalled once the output is being written, i.e. mid-run.
  const deadline = Date.now() + 60_000;
  while (!started(stderr) && Date.now() < deadline && child.exitCode === null) await sleep(20);
  expect(started(stderr), stderr).toBe(true);
  child.kill(signal);
  return { code: await exited, stderr };
}

describe('score interrupted', () => {
  it.each([
    ['SIGINT', 130, 'out.csv'],
    ['SIGTERM', 143, 'out.parquet'],
  ] as const)('%s: stops, removes the partial output, says so in one line, exits %i', async (signal, code, name) => {
    const sub = await mkdtemp(join(dir, `${signal}-`));
    const output = join(sub, name);
    const run = await interrupted(signal, output);
    expect(run.code).toBe(code);
    expect(await readdir(sub)).toEqual([]);
    const last = run.stderr.trimEnd().split('\n').at(-1) ?? '';
    expect(last).toMatch(new RegExp(`^ride-duration: .*interrupted by ${signal} after \\d+ ride\\(s\\) read: nothing kept \\(.*${name} not written, .*${name}\\.partial removed\\)$`));
    expect(run.stderr).not.toMatch(/\n\s+at /);
  }, 90_000);
});

describe('score to S3 interrupted', () => {
  let s3: RunningS3rver;
  beforeAll(async () => {
    s3 = await startS3rver();
    await createBucket(s3.client, 'out');
  });
  afterAll(async () => {
    await s3.dispose();
  });

  it('SIGINT while uploading: the upload is aborted, no object, exit 130', async () => {
    // ~16 MB of CSV in 8 MiB parts; signalled 2 s into scoring (the run takes 4-8 s here), so
    // usually after the first part went up. (s3rver cannot list multipart uploads, so that the
    // aborted upload leaves no parts is checked by test/cli/score-remote.test.ts on the sink.)
    let since: number | undefined;
    const run = await interrupted(
      'SIGINT',
      's3://out/predictions.csv',
      (stderr) => {
        if (since === undefined && stderr.includes('ride fields:')) since = Date.now();
        return since !== undefined && Date.now() - since > 2_000;
      },
      { S3_ENDPOINT_URL: s3.endpoint, AWS_ACCESS_KEY_ID: '', AWS_SECRET_ACCESS_KEY: '' },
    );
    expect(run.code, run.stderr).toBe(130);
    expect(run.stderr.trimEnd().split('\n').at(-1)).toMatch(/^ride-duration: .*interrupted by SIGINT after \d+ ride\(s\) read: nothing kept \(s3:\/\/out\/predictions\.csv not written, upload aborted\)$/);
    const listing = await s3.client.send(new ListObjectsV2Command({ Bucket: 'out' }));
    expect(listing.Contents ?? []).toEqual([]);
  }, 90_000);
});
