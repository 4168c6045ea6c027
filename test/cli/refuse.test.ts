/**
 * A model whose contract cannot be served is refused by every command before any input is read,
 * and the real process says so in one line, without a stack, and exits non-zero.
 */
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { repoPath, writeTinyModel } from './support.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'refuse-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('a model the function cannot serve', () => {
  // One spawn of the built CLI; `score` and `invoke` refuse in-process in their own tests.
  it('stops `serve` before it listens: one line naming the key, no stack, exit code 1', async () => {
    const model = await writeTinyModel(dir, 'zone.json', { featureNames: ['pickup_zone=Astoria', 'trip_distance'], coef: [1, 2], intercept: 3 });
    const run = spawnSync(process.execPath, [repoPath('bin/ride-duration.js'), 'serve', '--port', '0', '--model', model], {
      encoding: 'utf8',
      env: { ...process.env, DEBUG: '' },
      timeout: 60_000,
    });
    expect(run.status).toBe(1);
    expect(run.stdout).toBe('');
    const lines = run.stderr.trimEnd().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^ride-duration: --model \/.*zone\.json: the model cannot be served: .*"pickup_zone"/);
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });
});
