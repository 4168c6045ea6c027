// A small Node process that spawns the bench's fresh processes and times them, on request from the
// bench over its IPC channel. Why not spawn from the bench itself: Linux forks the spawning process
// before it execs the child, and the cost of that grows with the spawner's memory. The bench holds
// 200 MB and more by the time it measures cold starts (rides, events, both models), which added
// about 6 ms to every spawn, and 30 ms from a 780 MB process (an empty `node`: 55.6 ms spawned from
// this launcher, 87-95 ms from a 780 MB parent, measured; BENCHMARKS.md). A Lambda cold start pays no
// such cost, so the children are spawned from here, a process of a few tens of MB.
// The command-line figures (bench/cli.ts) are spawned from here too, timed to the child's exit, as
// a shell would see them.
// Plain JavaScript on purpose: no TypeScript loader in this process either.
import { spawn } from 'node:child_process';

/**
 * @param {{ id: number, command?: string, args: string[], env: Record<string, string>, output: boolean }} job
 *   `command`: the program to run, `node` (this one) when absent
 * @returns {Promise<{ id: number, code: number | null, wallMs: number | null, exitMs: number | null, report: string, stdout: string, stderr: string, error?: string }>}
 */
function run(job) {
  return new Promise((resolve) => {
    const started = performance.now();
    let received = null;
    let exited = null;
    let report = '';
    let stdout = '';
    let stderr = '';
    const child = spawn(job.command ?? process.execPath, job.args, {
      env: job.env,
      stdio: ['ignore', job.output ? 'pipe' : 'ignore', job.output ? 'pipe' : 'ignore', 'pipe'],
    });
    child.stdout?.on('data', (chunk) => (stdout += chunk.toString('utf8')));
    child.stderr?.on('data', (chunk) => (stderr += chunk.toString('utf8')));
    child.stdio[3].on('data', (chunk) => {
      received ??= performance.now();
      report += chunk.toString('utf8');
    });
    child.once('exit', () => (exited = performance.now()));
    child.once('error', (error) => resolve({ id: job.id, code: null, wallMs: null, exitMs: null, report, stdout, stderr, error: String(error) }));
    child.once('close', (code) =>
      resolve({
        id: job.id,
        code,
        wallMs: received === null ? null : received - started,
        exitMs: exited === null ? null : exited - started,
        report,
        stdout,
        stderr,
      }),
    );
  });
}

// One job at a time, as the bench sends them: concurrent children would disturb each other's timing.
let queue = Promise.resolve();
process.on('message', (job) => {
  queue = queue.then(async () => process.send(await run(job)));
});
process.on('disconnect', () => process.exit(0));
