import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { COURSE_ANCHOR } from '../support/model.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

describe('ride-duration serve (the real CLI process)', () => {
  it('prints its URL, serves the course anchor and exits 0 on SIGTERM after finishing', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'cli/main.ts', 'serve', '--port', '0', '--run-id', 'run-42'], {
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
      expect(code).toBe(0);
      expect(stderr).toMatch(/SIGTERM: no new connections/);
      expect(stderr).toMatch(/stopped/);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });
});
