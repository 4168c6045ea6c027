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
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { repoPath } from './support.js';

let dir: string;
let input: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'score-signals-'));
  // 400,000 rides: several seconds of scoring, so the signal lands mid-run.
  const [header = '', ...lines] = readFileSync(repoPath('test/fixtures/rides/sample.csv'), 'utf8').trimEnd().split('\n');
  const complete = lines.filter((line) => !line.split(',').some((cell) => cell === ''));
  const body = Array.from({ length: 400_000 / complete.length }, () => complete.join('\n')).join('\n');
  input = join(dir, 'rides.csv');
  await writeFile(input, `${header}\n${body}\n`, 'utf8');
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function interrupted(signal: 'SIGINT' | 'SIGTERM', output: string): Promise<{ code: number | null; stderr: string }> {
  const child = spawn(process.execPath, [repoPath('bin/ride-duration.js'), 'score', '-i', input, '-o', output], {
    env: { ...process.env, DEBUG: '' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (text: string) => (stderr += text));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  // Signalled once the output is being written, i.e. mid-run.
  const deadline = Date.now() + 60_000;
  while (!existsSync(`${output}.partial`) && Date.now() < deadline && child.exitCode === null) await sleep(20);
  expect(existsSync(`${output}.partial`)).toBe(true);
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
