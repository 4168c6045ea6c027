/**
 * Ctrl-C and SIGTERM with real signals: the built CLI (and `npm start`) spawned, signalled while it
 * works; each must exit 130 (SIGINT) or 143 (SIGTERM), leave no partial file and say in one
 * stderr line what it kept. The processes run `bin/*.js`, i.e. `dist/` (built by `npm ci`'s
 * prepare script, rebuilt by the launcher if a source changed).
 */
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createStream, readStream, startKinesalite, type RunningKinesalite } from '../support/services.js';
import { repoPath } from './support.js';

const SAMPLE = repoPath('local/data/green_tripdata_2021-02.sample.csv');

let dir: string;
let kinesis: RunningKinesalite;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'signals-'));
  kinesis = await startKinesalite();
});
afterAll(async () => {
  await kinesis.stop();
  await rm(dir, { recursive: true, force: true });
});

interface Running {
  readonly pid: number | undefined;
  readonly exited: Promise<[number | null, NodeJS.Signals | null]>;
  stderr(): string;
  stdout(): string;
  /** Resolves once stdout + stderr match. */
  waitFor(pattern: RegExp): Promise<void>;
  signal(name: NodeJS.Signals): void;
}

/** Runs a bin script; its stdin is closed at once unless `holdStdin` (then nothing ever comes). */
function run(script: string, args: readonly string[], holdStdin = false): Running {
  const child = spawn(process.execPath, [repoPath(script), ...args], { cwd: dir, stdio: 'pipe', env: { ...process.env, DEBUG: '' } });
  if (!holdStdin) child.stdin.end();
  let out = '';
  let err = '';
  const listeners = new Set<() => void>();
  const changed = () => listeners.forEach((listener) => listener());
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => ((out += chunk), changed()));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => ((err += chunk), changed()));
  const exited = once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
  return {
    pid: child.pid,
    exited,
    stderr: () => err,
    stdout: () => out,
    waitFor: (pattern) =>
      new Promise((resolve, reject) => {
        const check = () => {
          if (pattern.test(out + err)) {
            listeners.delete(check);
            resolve();
          }
        };
        listeners.add(check);
        check();
        void exited.then(() => reject(new Error(`exited before ${pattern}: ${err}`)));
      }),
    signal: (name) => child.kill(name),
  };
}

/** The last stderr line: the interruption's one line. */
const lastLine = (text: string): string => text.trimEnd().split('\n').at(-1) ?? '';

describe('interrupted commands', () => {
  it('serve: SIGTERM finishes in-flight requests, exits 143 and says so', async () => {
    const serve = run('bin/ride-duration.js', ['serve', '--port', '0']);
    await serve.waitFor(/^http:\/\/127\.0\.0\.1:\d+\n/m);
    serve.signal('SIGTERM');
    expect((await serve.exited)[0]).toBe(143);
    expect(lastLine(serve.stderr())).toBe('ride-duration: interrupted by SIGTERM; kept: nothing (the server writes no files)');
  });

  it('produce: Ctrl-C stops putting, exits 130 and counts what stays on the stream', async () => {
    await createStream(kinesis.client, 'signal-produce');
    const produce = run('bin/ride-duration.js', ['produce', '-s', 'signal-produce', '--endpoint', kinesis.endpoint, '-i', SAMPLE, '--rate', '20']);
    // Batches of 4 records, five a second: wait for the first to land on the stream.
    while ((await readStream(kinesis.client, 'signal-produce')).length === 0) await new Promise((resolve) => setTimeout(resolve, 100));
    produce.signal('SIGINT');
    expect((await produce.exited)[0]).toBe(130);
    expect(lastLine(produce.stderr())).toMatch(/^ride-duration: interrupted by SIGINT; kept: \d+ record\(s\) already put on signal-produce stay there$/);
  });

  it('tail: Ctrl-C exits 130 with the count printed', async () => {
    await createStream(kinesis.client, 'signal-tail');
    const tail = run('bin/ride-duration.js', ['tail', '-s', 'signal-tail', '--endpoint', kinesis.endpoint]);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    tail.signal('SIGINT');
    expect((await tail.exited)[0]).toBe(130);
    expect(lastLine(tail.stderr())).toBe('ride-duration: interrupted by SIGINT; kept: 0 record(s) printed');
  });

  it('events: SIGTERM while building a large event leaves no output file', async () => {
    // 200,000 rides (the bundled sample repeated): several seconds of work, interrupted early.
    const [header, ...rows] = readFileSync(SAMPLE, 'utf8').trimEnd().split('\n');
    const input = join(dir, 'many-rides.csv');
    writeFileSync(input, `${header}\n${`${rows.join('\n')}\n`.repeat(Math.ceil(200_000 / rows.length))}`);
    const output = join(dir, 'event.json');
    const events = run('bin/ride-duration.js', ['events', '-i', input, '-n', '200000', '-o', output]);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    events.signal('SIGTERM');
    expect((await events.exited)[0]).toBe(143);
    expect(lastLine(events.stderr())).toBe('ride-duration: interrupted by SIGTERM; kept: nothing written');
    expect(readdirSync(dir).filter((name) => name.startsWith('event.json'))).toEqual([]);
  });

  it('npm start: Ctrl-C while replaying stops the services, writes no --on-failure file, exits 130', async () => {
    const onFailure = join(dir, 'failures.jsonl');
    const start = run('bin/start.js', ['--rate', '50', '--on-failure', onFailure]);
    await start.waitFor(/replaying rides/);
    start.signal('SIGINT');
    expect((await start.exited)[0]).toBe(130);
    expect(lastLine(start.stderr())).toBe('npm start: interrupted by SIGINT; kept: nothing (the local services and their data are gone)');
    expect(existsSync(onFailure)).toBe(false);
  });

  it('npm start: SIGTERM while its services start stops them once started, leaving no temporary data', async () => {
    const start = run('bin/start.js', ['--rate', '50']);
    await start.waitFor(/Starting kinesalite and s3rver/);
    start.signal('SIGTERM');
    expect((await start.exited)[0]).toBe(143);
    expect(lastLine(start.stderr())).toBe('npm start: interrupted by SIGTERM; kept: nothing (the local services and their data are gone)');
    expect(readdirSync(tmpdir()).filter((name) => name.startsWith(`ride-duration-s3-${start.pid}-`))).toEqual([]);
  });

  it('a command interrupted before it takes the signals itself says so in one line', async () => {
    // invoke waits for its event on stdin, which never comes: it installs no handler of its own.
    const invoke = run('bin/ride-duration.js', ['invoke', '--event', '-'], true);
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    invoke.signal('SIGINT');
    expect((await invoke.exited)[0]).toBe(130);
    expect(lastLine(invoke.stderr())).toBe('ride-duration: interrupted by SIGINT; kept: nothing written');
  });

  it('npm start through npm: SIGTERM to npm reaches the pipeline, which stops and exits 143', async () => {
    // npm signals the shell it runs the script in; the script execs node, so node is that process
    // (a shell that waited on node would die alone and leave the pipeline running).
    const npm = spawn('npm', ['run', '--silent', 'start', '--', '--rate', '50'], { cwd: repoPath('.'), stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, DEBUG: '' } });
    let err = '';
    const started = new Promise<void>((resolve) => {
      npm.stderr.setEncoding('utf8').on('data', (chunk: string) => {
        err += chunk;
        if (err.includes('replaying rides')) resolve();
      });
    });
    npm.stdout.resume();
    const exited = once(npm, 'exit') as Promise<[number | null]>;
    await started;
    const children = spawnSync('pgrep', ['-P', String(npm.pid)], { encoding: 'utf8' }).stdout.trim().split('\n').map(Number);
    npm.kill('SIGTERM');
    expect((await exited)[0]).toBe(143);
    expect(lastLine(err)).toBe('npm start: interrupted by SIGTERM; kept: nothing (the local services and their data are gone)');
    for (const pid of children) expect(() => process.kill(pid, 0)).toThrow(/ESRCH/);
  });

  // A real terminal (util-linux `script` gives the command a pty) and a real Ctrl-C: the byte 0x03
  // typed into it, turned into SIGINT by the terminal. The progress bar turned line wrap off.
  const hasScript = spawnSync('script', ['--version'], { stdio: 'ignore' }).status === 0;
  it.skipIf(!hasScript)('npm start on a terminal: Ctrl-C restores line wrap and the cursor after the progress bar', async () => {
    const child = spawn('script', ['-qfec', `"${process.execPath}" "${repoPath('bin/start.js')}" --rate 50`, '/dev/null'], {
      cwd: dir,
      stdio: ['pipe', 'pipe', 'pipe'],
      env: { ...process.env, DEBUG: '' },
    });
    let screen = '';
    const bar = new Promise<void>((resolve) => {
      child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
        screen += chunk;
        if (screen.includes('replay |')) resolve();
      });
    });
    const exited = once(child, 'exit') as Promise<[number | null]>;
    await bar;
    child.stdin.write('\x03');
    expect((await exited)[0]).toBe(130);
    const wrapOff = screen.indexOf('\x1b[?7l');
    expect(wrapOff).toBeGreaterThanOrEqual(0);
    expect(screen.indexOf('\x1b[?7h', wrapOff)).toBeGreaterThan(wrapOff);
    expect(screen.indexOf('\x1b[?25h', wrapOff)).toBeGreaterThan(wrapOff);
    expect(screen).toMatch(/npm start: interrupted by SIGINT; kept: nothing \(the local services and their data are gone\)\r?\n/);
  });
});
