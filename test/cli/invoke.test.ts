import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { runInvoke } from '../../cli/commands/invoke.js';
import { CliError } from '../../cli/errors.js';
import { ModelContractError } from '../../lambda/model/errors.js';
import { csvRows, HOMEWORK_MODEL, memoryIO, repoPath, writeTinyModel } from './support.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'invoke-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('invoke', () => {
  it('prints the course prediction for the course event, as one JSON object on stdout', async () => {
    const io = memoryIO();
    const result = await runInvoke({ event: repoPath('events/kinesis-single-ride.json') }, io, { env: {} });
    expect(JSON.parse(io.out())).toEqual(result);
    expect(result).toEqual({
      batchItemFailures: [],
      predictions: [
        {
          model: 'ride_duration_prediction_model',
          version: 'sha256:b51a38fd7db9',
          prediction: { ride_duration: 12.78553032985699, ride_id: 256 },
        },
      ],
      deadLetters: [],
    });
    expect(io.err()).toMatch(/1 record\(s\): 1 predicted, 0 dead-lettered/);
  });

  it('uses RUN_ID as the version, like the Lambda', async () => {
    const result = await runInvoke({ event: repoPath('events/kinesis-single-ride.json') }, memoryIO(), { env: { RUN_ID: 'run-42' } });
    expect(result.predictions[0]?.version).toBe('run-42');
  });

  it('predicts the 100 February rides as scikit-learn does', async () => {
    const result = await runInvoke({ event: repoPath('events/feb-2021-100-rides.json') }, memoryIO(), { env: {} });
    const golden = csvRows(readFileSync(repoPath('test/fixtures/golden/official-lin_reg.csv'), 'utf8'));
    expect(result.predictions).toHaveLength(100);
    result.predictions.forEach((event, i) => {
      expect(event.prediction.ride_id).toBe(i);
      expect(event.prediction.ride_duration).toBe(Number(golden[i]?.[3]));
    });
  });

  it('dead-letters every poison record of the mixed batch with its reason and fails nothing', async () => {
    const io = memoryIO();
    const result = await runInvoke({ event: repoPath('events/mixed-poison.json'), verbose: true }, io, { env: {} });
    expect(result.batchItemFailures).toEqual([]);
    expect(result.predictions).toHaveLength(19);
    expect(result.deadLetters).toHaveLength(11);
    const event = JSON.parse(readFileSync(repoPath('events/mixed-poison.json'), 'utf8')) as {
      Records: Array<{ kinesis: { sequenceNumber: string; partitionKey: string } }>;
    };
    const poisonSequences = event.Records.filter((r) => r.kinesis.partitionKey.startsWith('poison-')).map((r) => r.kinesis.sequenceNumber);
    expect(result.deadLetters.map((letter) => letter.sequenceNumber)).toEqual(poisonSequences);
    expect(new Set(result.deadLetters.map((letter) => letter.kind))).toEqual(new Set(['base64', 'utf8', 'json', 'schema']));
    for (const letter of result.deadLetters) {
      expect(letter.reason.length).toBeGreaterThan(10);
      expect(letter.shardId).toBe('shardId-000000000000');
    }
    expect(result.deadLetters.map((l) => l.reason)).toEqual(
      expect.arrayContaining([expect.stringMatching(/trip_distance/), expect.stringMatching(/PULocationID/), expect.stringMatching(/DOLocationID/)]),
    );
    // --verbose: the model's contract and the handler's logs are JSON lines on stderr, never on stdout.
    expect(io.err()).toMatch(/"message":"Poison record"/);
    expect(() => JSON.parse(io.out())).not.toThrow();
    const lines = io.err().trimEnd().split('\n');
    const logs = lines.filter((line) => line.startsWith('{')).map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(logs[0]).toMatchObject({
      level: 'INFO',
      message: 'Model contract',
      contract: 'contract: PU_DO (one-hot) ← join(PULocationID, DOLocationID, "_"); trip_distance (numeric) ← ride.trip_distance (number)',
      rideFields: 'ride fields: PULocationID (integer), DOLocationID (integer), trip_distance (number >= 0)',
    });
    expect(io.err()).toMatch(/^invoke: dead-letter reasons: invalid base64: .+ \(and \d+ more\)$/m);
  });

  it("dead-letters rides lacking a field the model needs, naming the field; scores a homework-style model's rides", async () => {
    const homework = await writeTinyModel(dir, 'homework.json', HOMEWORK_MODEL);
    // The course event carries PULocationID 130 and DOLocationID 205 (and trip_distance, ignored here).
    const scored = await runInvoke({ event: repoPath('events/kinesis-single-ride.json'), model: homework }, memoryIO(), { env: {} });
    expect(scored.predictions.map((p) => p.prediction)).toEqual([{ ride_duration: 0.5 + 1.25 + 24.75, ride_id: 256 }]);

    const passengers = await writeTinyModel(dir, 'passengers.json', { featureNames: ['passenger_count', 'trip_distance'], coef: [1, 2], intercept: 3 });
    const io = memoryIO();
    const result = await runInvoke({ event: repoPath('events/kinesis-single-ride.json'), model: passengers }, io, { env: {} });
    expect(result.predictions).toEqual([]);
    expect(result.deadLetters.map((letter) => [letter.kind, letter.reason])).toEqual([['schema', 'schema: ride.passenger_count: missing']]);
    expect(io.err()).toContain('invoke: dead-letter reasons: schema: ride.passenger_count: missing');
  });

  it('refuses a model it cannot serve before reading the event', async () => {
    const model = await writeTinyModel(dir, 'zone.json', { featureNames: ['pickup_zone=Astoria'], coef: [1], intercept: 3 });
    // The event is a file that is no event: the model is refused before it is read.
    const notAnEvent = join(dir, 'not-an-event.json');
    await writeFile(notAnEvent, 'not JSON');
    const error = await runInvoke({ event: notAnEvent, model }, memoryIO(), { env: {} }).catch((e: unknown) => e);
    expect((error as Error).cause).toBeInstanceOf(ModelContractError);
    expect((error as Error).message).toMatch(/^--model .*zone\.json: the model cannot be served: .*"pickup_zone"/);
  });

  it('says clearly what is wrong with an event file', async () => {
    const notJson = join(dir, 'not.json');
    await writeFile(notJson, '{"Records": [');
    await expect(runInvoke({ event: notJson }, memoryIO())).rejects.toThrow(/not JSON/);
    const noRecords = join(dir, 'no-records.json');
    await writeFile(noRecords, '{"records": []}');
    await expect(runInvoke({ event: noRecords }, memoryIO())).rejects.toThrow(CliError);
    await expect(runInvoke({ event: noRecords }, memoryIO())).rejects.toThrow(/no "Records" array/);
    const badRecord = join(dir, 'bad-record.json');
    await writeFile(badRecord, '{"Records": [{"kinesis": {"data": 1}}]}');
    await expect(runInvoke({ event: badRecord }, memoryIO())).rejects.toThrow(/Records\[0\] is not a Kinesis record/);
    await expect(runInvoke({ event: join(dir, 'missing.json') }, memoryIO())).rejects.toThrow(/--event .*missing\.json: no such file/);
  });

  it('empty is an error: an event without records, an empty file, an empty stdin; each says so, exit 1', async () => {
    const noRecords = join(dir, 'no-records-at-all.json');
    await writeFile(noRecords, '{"Records": []}');
    const refusal = async (event: string, stdin?: Readable) => {
      const io = memoryIO();
      const error = await runInvoke({ event }, io, { env: {}, ...(stdin === undefined ? {} : { stdin }) }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(CliError);
      expect((error as CliError).exitCode).toBe(1);
      expect(io.out()).toBe('');
      return (error as CliError).message;
    };
    expect(await refusal(noRecords)).toMatch(/^--event .*no-records-at-all\.json: the event has no records; nothing to invoke \(e\.g\. ride-duration events /);
    expect(await refusal('-', Readable.from(['{"Records":[]}']))).toMatch(/^--event -: the event has no records; /);
    expect(await refusal('-', Readable.from([]))).toBe(
      '--event -: stdin is empty; pipe a Kinesis event into it (e.g. ride-duration events -i rides.csv -n 5 | ride-duration invoke --event -)',
    );
    const emptyFile = join(dir, 'empty.json');
    await writeFile(emptyFile, '\n');
    expect(await refusal(emptyFile)).toBe(`--event ${emptyFile}: the file is empty; give a Kinesis event file`);
  });

  it('--event - on a terminal says on stderr what it waits for; from a pipe it says nothing', async () => {
    const event = readFileSync(repoPath('events/kinesis-single-ride.json'), 'utf8');
    const terminal = Object.assign(Readable.from([event]), { isTTY: true });
    const io = memoryIO();
    const result = await runInvoke({ event: '-' }, io, { env: {}, stdin: terminal });
    expect(result.predictions).toHaveLength(1);
    expect(io.err().split('\n')[0]).toBe('reading the event from stdin (Ctrl-D to end)…');
    const piped = memoryIO();
    await runInvoke({ event: '-' }, piped, { env: {}, stdin: Readable.from([event]) });
    expect(piped.err()).not.toMatch(/reading the event/);
  });

  // One spawn only (tsx start-up costs about 1.5 s of CPU): the real process's stdout is pure JSON.
  it('runs as the package bin with stdout holding only the JSON', () => {
    const run = spawnSync(process.execPath, [repoPath('bin/ride-duration.js'), 'invoke', '--event', repoPath('events/kinesis-single-ride.json')], {
      encoding: 'utf8',
      env: { ...process.env, RUN_ID: '' },
    });
    expect(run.status).toBe(0);
    const parsed = JSON.parse(run.stdout) as { predictions: Array<{ prediction: { ride_duration: number } }> };
    expect(parsed.predictions[0]?.prediction.ride_duration).toBe(12.78553032985699);
    expect(run.stderr).toMatch(/1 predicted/);
  });
});
