/**
 * `score` checks every flag, the input, the output's directory and the model before any work, and
 * refuses empty inputs: one message naming the flag or file, exit code 2 for usage, 1 otherwise.
 */
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { runScore } from '../../cli/commands/score.js';
import { CliError } from '../../cli/errors.js';
import type { LoadedModel } from '../../lambda/model/types.js';
import { courseModel } from '../support/model.js';
import { memoryIO, repoPath } from './support.js';

const SAMPLE = repoPath('test/fixtures/rides/sample.csv');
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'score-checks-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A model loader that records whether it ran: a usage or file error must come before it. */
function watchedModel(): { loaded: () => boolean; loadModel: () => Promise<LoadedModel> } {
  let loaded = false;
  return {
    loaded: () => loaded,
    loadModel: () => {
      loaded = true;
      return courseModel();
    },
  };
}

async function refusal(input: string, output: string, extra: { layout?: string } = {}) {
  const model = watchedModel();
  const error = await runScore({ input, output, ...extra }, memoryIO(), { loadModel: model.loadModel }).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(CliError);
  return { error: error as CliError, modelLoaded: model.loaded() };
}

describe('score refuses before any work', () => {
  it.each([
    ['an output extension it cannot write', (): [string, string] => [SAMPLE, join(dir, 'out.txt')], 2, /^-o .*out\.txt: the output must be a \.csv or \.parquet file \(e\.g\. -o predictions\.parquet\)$/],
    ['an http(s) output', (): [string, string] => [SAMPLE, 'https://example.com/out.csv'], 2, /^-o https:\/\/example\.com\/out\.csv: cannot write to an http\(s\) URL; give a local path or s3:\/\/bucket\/key\.csv\|\.parquet$/],
    ['an input of unknown format', (): [string, string] => [join(dir, 'rides.xlsx'), join(dir, 'out.csv')], 2, /^-i .*rides\.xlsx: cannot tell the ride file format; name a \.parquet, \.csv, \.jsonl or \.ndjson file$/],
    ['an input URL that does not parse', (): [string, string] => ['https://[bad', join(dir, 'out.csv')], 2, /^-i https:\/\/\[bad: not a valid URL/],
    ['an input URL without a ride file extension (its query is no part of the name)', (): [string, string] => ['https://host/rides?f=x.csv', join(dir, 'out.csv')], 2, /^-i https:\/\/host\/rides\?f=x\.csv: cannot tell the ride file format/],
    ['the input as output', (): [string, string] => [join(dir, 'same.csv'), join(dir, 'same.csv')], 2, /the same file as -i/],
    ['a missing input', (): [string, string] => [join(dir, 'absent.csv'), join(dir, 'out.csv')], 1, /^-i .*absent\.csv: no such file$/],
    ['an output in a missing directory', (): [string, string] => [SAMPLE, join(dir, 'nodir', 'out.csv')], 1, /^-o .*out\.csv: the directory .*nodir does not exist; create it first or choose another -o$/],
    ['an output that is a directory', (): [string, string] => [SAMPLE, join(dir, 'sub.csv')], 1, /^-o .*sub\.csv: is a directory/],
  ] as const)('%s, before loading the model', async (_what, paths, code, message) => {
    await mkdir(join(dir, 'sub.csv'), { recursive: true });
    const [input, output] = paths();
    const { error, modelLoaded } = await refusal(input, output);
    expect(error.exitCode).toBe(code);
    expect(error.message).toMatch(message);
    expect(modelLoaded).toBe(false);
  });

  it('an unknown layout is a usage error', async () => {
    const { error, modelLoaded } = await refusal(SAMPLE, join(dir, 'out.csv'), { layout: 'nope' });
    expect(error.exitCode).toBe(2);
    expect(error.message).toBe('--layout "nope" is not a layout; known: features, course');
    expect(modelLoaded).toBe(false);
  });

  it('--layout course on a file without pickup/dropoff times: refused up front, never "RMSE NaN"', async () => {
    const input = join(dir, 'no-times.csv');
    await writeFile(input, 'PULocationID,DOLocationID,trip_distance\n130,205,3.66\n', 'utf8');
    const sub = await mkdtemp(join(dir, 'course-'));
    const { error } = await refusal(input, join(sub, 'out.csv'), { layout: 'course' });
    expect(error.exitCode).toBe(1);
    expect(error.message).toMatch(/no-times\.csv: this layout needs a lpep_pickup_datetime or tpep_pickup_datetime or pickup_datetime column, and the file has none; use --layout features$/);
    expect(await readdir(sub)).toEqual([]);
  });

  it('--layout course when no ride has times (JSON lines): exit 1, nothing written, no NaN', async () => {
    const input = join(dir, 'no-times.jsonl');
    await writeFile(input, '{"PULocationID": 130, "DOLocationID": 205, "trip_distance": 3.66}\n', 'utf8');
    const sub = await mkdtemp(join(dir, 'course-jsonl-'));
    const io = memoryIO();
    const error = await runScore({ input, output: join(sub, 'out.csv'), layout: 'course' }, io, { loadModel: () => courseModel() }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CliError);
    expect((error as CliError).exitCode).toBe(1);
    expect((error as CliError).message).toMatch(/no-times\.jsonl: none of the 1 ride\(s\) qualifies \(rides of 1–60 min with pickup and dropoff times\); nothing written$/);
    expect(io.err()).not.toMatch(/NaN/);
    expect(await readdir(sub)).toEqual([]);
  });

  it.each([
    ['a header-only CSV', 'header.csv', 'PULocationID,DOLocationID,trip_distance\n', /header\.csv: no rides in the file; nothing written$/],
    ['an empty CSV', 'empty.csv', '', /empty\.csv: empty file \(no header, no rides\); nothing to score$/],
    ['an empty JSON-lines file', 'empty.jsonl', '\n', /empty\.jsonl: no rides in the file; nothing written$/],
  ])('%s is an error (exit 1), leaving no file', async (_what, name, text, message) => {
    const input = join(dir, name);
    await writeFile(input, text, 'utf8');
    const sub = await mkdtemp(join(dir, 'empty-'));
    const { error } = await refusal(input, join(sub, 'out.parquet'));
    expect(error.exitCode).toBe(1);
    expect(error.message).toMatch(message);
    expect(await readdir(sub)).toEqual([]);
  });
});
