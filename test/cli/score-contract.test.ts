/**
 * `score` against scikit-learn 1.2.1 on the contract fixtures (test/fixtures/models/contract,
 * generate.py): a homework-style model, an extra numeric field, derived keys from a recipe,
 * custom separators. Each fixture's expected file is itself a JSON-lines ride file.
 */
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { runEvents } from '../../cli/commands/events.js';
import { runInvoke } from '../../cli/commands/invoke.js';
import { runScore } from '../../cli/commands/score.js';
import { memoryIO, repoPath, sharedPath } from './support.js';

const FIXTURES = 'test/fixtures/models/contract';
const manifest = JSON.parse(readFileSync(repoPath(`${FIXTURES}/manifest.json`), 'utf8')) as {
  models: Record<string, { fields: string[]; recipe: boolean }>;
  refused: Record<string, string>;
};
// Every fixture, those whose recipe sits next to the pickle (`<model>.recipe.json`) included: the
// loader finds it there.
const MODELS = Object.keys(manifest.models);

interface Expected {
  readonly ride: Record<string, number | string>;
  readonly prediction: number;
}

function expectedOf(name: string): Expected[] {
  return readFileSync(repoPath(`${FIXTURES}/${name}.expected.jsonl`), 'utf8')
    .trimEnd()
    .split('\n')
    .map((line) => JSON.parse(line) as Expected);
}

/** The output CSV as objects by header name. */
function outputRows(path: string): Array<Record<string, string>> {
  const [header = '', ...lines] = readFileSync(path, 'utf8').trimEnd().split('\n');
  const names = header.split(',');
  return lines.map((line) => Object.fromEntries(line.split(',').map((cell, i) => [names[i], cell])));
}

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'score-contract-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('score with the contract fixtures (scikit-learn 1.2.1)', () => {
  it.each(MODELS)('%s: the model\'s fields in, scikit-learn\'s predictions out, bit for bit', async (name) => {
    const expected = expectedOf(name);
    const output = join(dir, `${name}.csv`);
    const io = memoryIO();
    const summary = await runScore({ input: repoPath(`${FIXTURES}/${name}.expected.jsonl`), output, model: repoPath(`${FIXTURES}/${name}.bin`) }, io);
    expect(summary.rides).toBe(expected.length);
    const rows = outputRows(output);
    const fields = manifest.models[name]!.fields;
    expect(Object.keys(rows[0] ?? {}).sort()).toEqual([...fields, 'prediction'].sort());
    rows.forEach((row, i) => {
      const want = expected[i]!;
      if (Number(row['prediction']) !== want.prediction) throw new Error(`${name} ride ${i}: ${row['prediction']} vs ${want.prediction}`);
      for (const field of fields) {
        const value = want.ride[field];
        expect(typeof value === 'number' ? Number(row[field]) : row[field]).toBe(value);
      }
    });
    // The last ride has location ids no model here saw: drift, scored as scikit-learn scores it.
    expect(summary.unseen).toBeGreaterThanOrEqual(1);
    expect(io.err()).toMatch(/^drift: \d+ of \d+ ride\(s\)/m);
  });

  it('homework-linreg through events and invoke: the events carry its fields, the handler predicts as scikit-learn', async () => {
    const expected = expectedOf('homework-linreg');
    const model = repoPath(`${FIXTURES}/homework-linreg.bin`);
    const output = join(dir, 'homework-events.json');
    await runEvents({ input: repoPath(`${FIXTURES}/homework-linreg.expected.jsonl`), count: expected.length, output, model }, memoryIO());
    const result = await runInvoke({ event: output, model }, memoryIO(), { env: {} });
    expect(result.deadLetters).toEqual([]);
    expect(result.predictions.map((p) => p.prediction.ride_duration)).toEqual(expected.map((e) => e.prediction));
  });

  it.each(Object.entries(manifest.refused))('%s is refused before the input is read', async (file, reason) => {
    const error = await runScore({ input: repoPath('test/fixtures/rides/sample.csv'), output: join(dir, 'never.csv'), model: repoPath(`${FIXTURES}/${file}`) }, memoryIO()).catch(
      (e: unknown) => e,
    );
    expect(String(error)).toContain(reason);
    expect(existsSync(join(dir, 'never.csv'))).toBe(false);
  });

  const FEB = sharedPath('data/green_tripdata_2021-02.parquet');
  it.skipIf(!existsSync(FEB))('reads passenger_count (a DOUBLE column) from the TLC parquet as the integer the model was trained on (needs ../shared)', async () => {
    // The fixture's first 300 rides are February's first 300 (none has a null field).
    const expected = expectedOf('passenger-linreg').slice(0, 300);
    const output = join(dir, 'passenger-feb.csv');
    await runScore({ input: FEB, output, model: repoPath(`${FIXTURES}/passenger-linreg.bin`), limit: 300 }, memoryIO());
    const rows = outputRows(output);
    expect(rows.map((row) => row['passenger_count'])).toEqual(expected.map((e) => String(e.ride['passenger_count'])));
    expect(rows.map((row) => Number(row['prediction']))).toEqual(expected.map((e) => e.prediction));
  });
});
