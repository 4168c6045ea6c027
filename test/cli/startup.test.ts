/**
 * What a command loads at start: `--help` must not compile Node modules that no command path
 * needs (commander's `child_process`, deferred by scripts/build.mjs), and the deferred module must
 * still work when something uses it.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { repoPath } from './support.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cli-startup-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Node's own modules a process loaded, as `process.moduleLoadList` has them at exit. */
async function modulesLoadedBy(args: readonly string[]): Promise<{ modules: string[]; stdout: string }> {
  const recorder = join(dir, 'record.cjs');
  const out = join(dir, 'modules.txt');
  await writeFile(recorder, `process.on('exit', () => require('node:fs').writeFileSync(${JSON.stringify(out)}, process.moduleLoadList.join('\\n')));\n`);
  const run = spawnSync(process.execPath, ['--require', recorder, repoPath('bin/ride-duration.js'), ...args], { encoding: 'utf8' });
  expect(run.status, run.stderr).toBe(0);
  return { modules: readFileSync(out, 'utf8').split('\n'), stdout: run.stdout };
}

describe('start-up', () => {
  it('--help prints the commands without loading child_process', async () => {
    const { modules, stdout } = await modulesLoadedBy(['--help']);
    expect(stdout).toMatch(/Commands:\n  score /);
    expect(modules).not.toContain('NativeModule child_process');
    expect(modules.length).toBeGreaterThan(50);
  });

  it('the deferred child_process loads the real one on first use', () => {
    const shim = createRequire(import.meta.url)('../../scripts/shims/child-process-on-use.cjs') as typeof import('node:child_process');
    expect('spawn' in shim).toBe(true);
    expect(shim.execFileSync(process.execPath, ['-e', 'process.stdout.write("ran")'], { encoding: 'utf8' })).toBe('ran');
    expect(Object.keys(shim)).toContain('spawnSync');
  });
});
