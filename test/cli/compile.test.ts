import { copyFileSync, existsSync, readFileSync } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { runCompile } from '../../cli/commands/compile.js';
import { CliError } from '../../cli/errors.js';
import { sha256Hex } from '../../lambda/model/digest.js';
import { loadModel } from '../../lambda/model/index.js';
import { memoryIO, repoPath } from './support.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'compile-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('compile', () => {
  it('writes the sidecar next to the pickle, which the loader then uses; prints the hashes to pin', async () => {
    const pickle = join(dir, 'lin_reg.bin');
    copyFileSync(repoPath('model-artifacts/lin_reg.bin'), pickle);
    const io = memoryIO();
    const summary = await runCompile({ model: pickle }, io);
    const output = `${pickle}.compiled.json`;
    expect(summary).toEqual({
      pickle,
      output,
      regressor: 'LinearRegression',
      featureCount: 13_221,
      pickleSha256: 'b51a38fd7db9b529e6050df04dfceb91c6703502034d02014f9d1996bda1861a',
      compiledSha256: sha256Hex(readFileSync(output)),
    });
    expect(JSON.parse(io.out())).toEqual(summary);
    expect(io.err()).toMatch(/every coefficient checked/);
    expect(io.err()).toContain(`MODEL_COMPILED_SHA256=${summary.compiledSha256}`);
    const { description } = await loadModel(pickle);
    expect(description.compiled).toEqual({ uri: output, used: true });
    expect(description.version).toBe('sha256:b51a38fd7db9'); // still the pickle's
  });

  it('an MLflow folder compiles its model.pkl; -o writes elsewhere', async () => {
    const output = join(dir, 'elsewhere.json');
    const summary = await runCompile({ model: repoPath('test/fixtures/models/generated/pipeline-linreg.pkl'), output }, memoryIO());
    expect(summary.output).toBe(output);
    expect(existsSync(output)).toBe(true);
  });

  it('refuses a RandomForest and an S3 location, writing nothing', async () => {
    const before = await readdir(dir);
    await expect(runCompile({ model: repoPath('test/fixtures/models/official-rf-mlflow') }, memoryIO())).rejects.toThrow(/RandomForestRegressor does not compile/);
    await expect(runCompile({ model: 's3://models/lin_reg.bin' }, memoryIO())).rejects.toThrow(CliError);
    expect(await readdir(dir)).toEqual(before);
    expect(existsSync(repoPath('test/fixtures/models/official-rf-mlflow/model.pkl.compiled.json'))).toBe(false);
  });
});
