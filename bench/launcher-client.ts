/**
 * The bench's side of bench/launcher.mjs: every fresh process a figure times (cold starts, the
 * command line, `score` and its Python side by side) is spawned by that small process, not by the
 * bench, whose memory every spawn would fork first.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const LAUNCHER = fileURLToPath(new URL('./launcher.mjs', import.meta.url));

/** What the launcher (bench/launcher.mjs) answers for one spawned process. */
interface LaunchResult {
  readonly id: number;
  readonly code: number | null;
  /** Launcher's clock: spawn → first byte on fd 3; null if nothing came. */
  readonly wallMs: number | null;
  /** Launcher's clock: spawn → the child's exit. */
  readonly exitMs: number | null;
  readonly report: string;
  readonly stdout: string;
  readonly stderr: string;
  readonly error?: string;
}

/**
 * Spawns the bench's fresh processes from a small process of its own (bench/launcher.mjs), so that
 * their spawn does not pay for the bench's memory (see there). One per measurement series.
 *
 * @example
 * ```ts
 * const launcher = await Launcher.start();
 * try { await runBaselineProcess(launcher); } finally { launcher.close(); }
 * ```
 */
export class Launcher {
  private next = 0;
  private readonly waiting = new Map<number, { resolve: (result: LaunchResult) => void; reject: (error: Error) => void }>();

  private constructor(private readonly child: ChildProcess) {
    child.on('message', (message: LaunchResult) => {
      this.waiting.get(message.id)?.resolve(message);
      this.waiting.delete(message.id);
    });
    child.once('exit', (code) => {
      for (const { reject } of this.waiting.values()) reject(new Error(`bench launcher exited with ${code}`));
      this.waiting.clear();
    });
  }

  static async start(): Promise<Launcher> {
    const child = fork(LAUNCHER, [], { env: { PATH: process.env.PATH }, stdio: ['ignore', 'inherit', 'inherit', 'ipc'], execArgv: [] });
    await new Promise<void>((resolve, reject) => {
      child.once('spawn', resolve);
      child.once('error', reject);
    });
    return new Launcher(child);
  }

  /**
   * As {@link run}, for a child that must succeed: throws, with the end of its stderr when
   * `output` keeps it, unless it exits 0 and `clock` was read; `ms` is that clock's reading.
   */
  async runOk(
    args: readonly string[],
    env: NodeJS.ProcessEnv,
    output: boolean,
    clock: 'wallMs' | 'exitMs',
    command?: string,
  ): Promise<LaunchResult & { readonly ms: number }> {
    const result = await this.run(args, env, output, command);
    const ms = result[clock];
    if (result.code !== 0 || ms === null) {
      const why = result.error ?? result.stderr.trim().split('\n').slice(-3).join(' | ');
      throw new Error(`${command ?? 'node'} ${args.join(' ')} exited ${result.code}${why ? `: ${why}` : ''}`);
    }
    return { ...result, ms };
  }

  /** Spawns `node <args>` (or `command <args>`) with exactly `env`, and waits for it to exit. */
  run(args: readonly string[], env: NodeJS.ProcessEnv, output: boolean, command?: string): Promise<LaunchResult> {
    const id = this.next++;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      this.child.send({ id, args, env, output, ...(command === undefined ? {} : { command }) });
    });
  }

  close(): void {
    this.child.disconnect();
  }
}

