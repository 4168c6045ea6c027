/**
 * The mistakes of issue 17's "Why", made on the built CLI and `npm start` as a user would: each
 * must end in one line (`ride-duration: …` / `npm start: …`, no class name, no stack), with the
 * documented exit code (1 failure, 2 usage), before any work, leaving no file behind. The
 * README's checked samples cover more (test/docs/samples.test.ts).
 */
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { createServer, type AddressInfo } from 'node:net';
import { readdirSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createBucket, createStream, putObject, readStream, startKinesalite, startS3rver, type RunningKinesalite, type RunningS3rver } from '../support/services.js';
import { repoPath } from './support.js';

let dir: string;
let kinesis: RunningKinesalite;
let s3: RunningS3rver;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mistakes-'));
  [kinesis, s3] = await Promise.all([startKinesalite(), startS3rver()]);
});
afterAll(async () => {
  await Promise.all([kinesis.stop(), s3.dispose()]);
  await rm(dir, { recursive: true, force: true });
});

/** The environment without any AWS credentials or endpoints. */
function bareEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, DEBUG: '', AWS_EC2_METADATA_DISABLED: 'true', ...extra };
  for (const name of ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_PROFILE', 'AWS_SESSION_TOKEN', 'KINESIS_ENDPOINT_URL', 'S3_ENDPOINT_URL']) {
    if (!(name in extra)) delete env[name];
  }
  return env;
}

/** Runs a process without blocking this one (kinesalite and s3rver answer from this event loop). */
async function run(script: string, args: readonly string[], env: NodeJS.ProcessEnv = bareEnv()) {
  const child = spawn(process.execPath, [repoPath(script), ...args], { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const [status] = (await once(child, 'close')) as [number | null];
  return { status, stdout, stderr, lines: stderr.trimEnd().split('\n') };
}

/** One line, no class name, no stack. */
function expectOneLine(stderr: string, pattern: RegExp): void {
  const lines = stderr.trimEnd().split('\n');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(pattern);
  expect(stderr).not.toMatch(/\w+Error: |\n\s+at /);
}

describe('mistakes end in one line before any work', () => {
  it('npm start --model <folder without MLmodel>: names the folder, uploads nothing, exit 1', async () => {
    const folder = join(dir, 'not-a-model');
    await mkdir(folder);
    await writeFile(join(folder, 'notes.txt'), 'hello');
    const result = await run('bin/start.js', ['--model', folder]);
    expect(result.status).toBe(1);
    expectOneLine(result.stderr, new RegExp(`^npm start: --model ${folder}: a folder without an MLmodel file`));
  });

  it('npm start: a missing --input and an --on-failure file in a missing folder, before services start', async () => {
    const input = await run('bin/start.js', ['--input', join(dir, 'nope.csv')]);
    expect(input.status).toBe(1);
    expectOneLine(input.stderr, /^npm start: --input .*nope\.csv: no such file$/);
    const onFailure = await run('bin/start.js', ['--on-failure', join(dir, 'missing', 'failures.jsonl')]);
    expect(onFailure.status).toBe(1);
    expectOneLine(onFailure.stderr, /^npm start: --on-failure .*failures\.jsonl: the directory .*missing does not exist; create it first or choose another --on-failure$/);
  });

  it('npm start: a shadow that is no model, models that read columns the input lacks, an empty input: before services start', async () => {
    const notAModel = repoPath('README.md');
    const shadow = await run('bin/start.js', ['--shadow-model', notAModel]);
    expect(shadow.status).toBe(1);
    expectOneLine(shadow.stderr, /^npm start: --shadow-model \/.*\/README\.md: model .*README\.md is neither a pickle/);

    // Reads passenger_count, which the bundled sample CSV does not have.
    const passenger = repoPath('test/fixtures/models/contract/passenger-linreg.bin');
    const asModel = await run('bin/start.js', ['--model', passenger]);
    expect(asModel.status).toBe(1);
    expectOneLine(asModel.stderr, /^npm start: the bundled sample .*green_tripdata_2021-02\.sample\.csv: no passenger_count column; the model needs a column for each field it reads \(replay another file with --input\)$/);
    const asShadow = await run('bin/start.js', ['--shadow-model', passenger]);
    expect(asShadow.status).toBe(1);
    expectOneLine(asShadow.stderr, /^npm start: --shadow-model .*passenger-linreg\.bin: it reads passenger_count, and .*sample\.csv has no such column; no ride could be compared$/);

    // Empty in every format: no header at all, a header alone, an empty JSON-lines file. The models
    // load although MODEL_SHA256 (the Lambda's pin, which the local run does not use) names another.
    const homework = repoPath('test/fixtures/models/contract/homework-linreg.bin');
    const pinned = bareEnv({ MODEL_SHA256: '0'.repeat(64) });
    for (const [name, text] of [['empty.csv', ''], ['header-only.csv', 'PULocationID,DOLocationID,trip_distance\n'], ['empty.jsonl', '']] as const) {
      const empty = join(dir, name);
      await writeFile(empty, text);
      const emptyInput = await run('bin/start.js', ['--input', empty, '--shadow-model', homework], pinned);
      expect(emptyInput.status).toBe(1);
      expectOneLine(emptyInput.stderr, new RegExp(`^npm start: --input .*${name.replace('.', '\\.')}: no rides in the file; give a file with at least one ride$`));
    }

    // npm start uploads local models to its own S3: an s3:// location is a usage error, before any load.
    const remote = await run('bin/start.js', ['--shadow-model', 's3://models/candidate.bin']);
    expect(remote.status).toBe(2);
    expectOneLine(remote.stderr, /^npm start: --shadow-model s3:\/\/models\/candidate\.bin: npm start uploads a local model file or MLflow folder to its own S3; give a local path$/);
  });

  it('npm start: a bad flag value is a usage error, exit 2', async () => {
    const result = await run('bin/start.js', ['--shards', '0']);
    expect(result.status).toBe(2);
    expect(result.lines[0]).toMatch(/^npm start: option '--shards <n>' argument '0' is invalid/);
  });

  it('events and produce: an input with no rides exits 1 and leaves nothing (no file, no record)', async () => {
    const empty = join(dir, 'header-only.csv');
    await writeFile(empty, 'PULocationID,DOLocationID,trip_distance\n');
    const events = await run('bin/ride-duration.js', ['events', '-i', empty, '-n', '5', '-o', join(dir, 'empty-event.json')]);
    expect(events.status).toBe(1);
    expectOneLine(events.stderr, /^ride-duration: --input .*header-only\.csv: no rides in the file; give a file with at least one ride$/);
    expect(readdirSync(dir).filter((name) => name.startsWith('empty-event'))).toEqual([]);

    await createStream(kinesis.client, 'mistakes-empty');
    const produce = await run('bin/ride-duration.js', ['produce', '-s', 'mistakes-empty', '--endpoint', kinesis.endpoint, '-i', empty]);
    expect(produce.status).toBe(1);
    expectOneLine(produce.stderr, /^ride-duration: --input .*header-only\.csv: no rides in the file; give a file with at least one ride$/);
    expect(await readStream(kinesis.client, 'mistakes-empty')).toEqual([]);
  });

  it('fails fast on what retrying cannot fix: refused connection, unknown stream, no credentials', async () => {
    const sample = repoPath('local/data/green_tripdata_2021-02.sample.csv');
    const refused = await run('bin/ride-duration.js', ['produce', '-s', 'x', '--endpoint', 'http://127.0.0.1:9', '-i', sample]);
    expect(refused.status).toBe(1);
    expectOneLine(refused.stderr, /^ride-duration: stream x at http:\/\/127\.0\.0\.1:9: connection refused \(ECONNREFUSED\)$/);

    const unknown = await run('bin/ride-duration.js', ['tail', '-s', 'no-such-stream', '--endpoint', kinesis.endpoint]);
    expect(unknown.status).toBe(1);
    expectOneLine(unknown.stderr, /^ride-duration: stream no-such-stream at http:\/\/127\.0\.0\.1:\d+: .*not found/);

    const noCredentials = await run('bin/ride-duration.js', ['invoke', '-e', repoPath('events/kinesis-single-ride.json'), '-m', 's3://models/lin_reg.bin'], bareEnv({ AWS_REGION: 'us-east-1' }));
    expect(noCredentials.status).toBe(1);
    expectOneLine(noCredentials.stderr, /^ride-duration: --model s3:\/\/models\/lin_reg\.bin: no AWS credentials/);
  });

  it('S3_ENDPOINT_URL: the model loads from a local S3 with no credentials in the environment', async () => {
    await createBucket(s3.client, 'models');
    await putObject(s3.client, 'models', 'lin_reg.bin', readFileSync(repoPath('model-artifacts/lin_reg.bin')));
    const result = await run('bin/ride-duration.js', ['invoke', '-e', repoPath('events/kinesis-single-ride.json'), '-m', 's3://models/lin_reg.bin'], bareEnv({ S3_ENDPOINT_URL: s3.endpoint }));
    expect(result.stderr).toBe('invoke: 1 record(s): 1 predicted, 0 dead-lettered, 0 in batchItemFailures\n');
    expect(result.status).toBe(0);
    expect(JSON.parse(result.stdout).predictions[0].prediction.ride_duration).toBe(12.78553032985699);
  });

  it('serve: a port in use and a host that does not resolve name their flag and what would work, exit 1', async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = taken.address() as AddressInfo;
      const inUse = await run('bin/ride-duration.js', ['serve', '--port', String(port)]);
      expect(inUse.status).toBe(1);
      // The model's description comes first on stderr only once listening succeeded: here nothing else.
      expectOneLine(inUse.stderr, new RegExp(`^ride-duration: --port ${port}: already in use on 127\\.0\\.0\\.1; choose another port or --port 0 for a free one$`));
      expect(inUse.stdout).toBe('');
    } finally {
      taken.close();
    }
    // .invalid never resolves (RFC 2606).
    const noHost = await run('bin/ride-duration.js', ['serve', '--port', '0', '--host', 'no.such.host.invalid']);
    expect(noHost.status).toBe(1);
    expectOneLine(noHost.stderr, /^ride-duration: --host no\.such\.host\.invalid: no such host; give an address of this machine, e\.g\. 127\.0\.0\.1 .* or 0\.0\.0\.0 /);
  });

  it('cdk synth -c shardCount=0: one line, no stack, exit 1', () => {
    const result = spawnSync(process.execPath, ['--import', 'tsx', repoPath('cdk/app.ts')], {
      cwd: repoPath(''),
      encoding: 'utf8',
      env: { ...process.env, CDK_CONTEXT_JSON: JSON.stringify({ shardCount: '0' }) },
      timeout: 60_000,
    });
    expect(result.status).toBe(1);
    expect(result.stderr).toBe('cdk: Invalid CDK context shardCount="0": expected an integer from 1 to 10000\n');
  });
});
