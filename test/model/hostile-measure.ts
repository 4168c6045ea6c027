/**
 * Time and peak RSS of loading each hostile model file (`hostile-pickles.ts`), one child process
 * per file. A child is stopped when it passes the watchdog's time or RSS ceiling, so that measuring
 * a reader without the budget cannot take the machine down; such a run is reported as `>ceiling`.
 *
 * ```sh
 * npx tsx test/model/hostile-measure.ts [kind …]
 * ```
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { HostileReport } from './hostile-child.js';
import { HOSTILE_KINDS } from './hostile-pickles.js';

const CHILD = fileURLToPath(new URL('./hostile-child.ts', import.meta.url));
/** Watchdog ceilings: far above the targets (2 s, 300 MB), far below what would hurt the host. */
const CEILING_MS = 60_000;
const CEILING_RSS_MB = 3_000;

export type Measured = HostileReport | { readonly kind: string; readonly stopped: string };

/** Runs one kind in a child process under the watchdog. */
export async function measure(kind: string, ceilingMs = CEILING_MS, ceilingRssMb = CEILING_RSS_MB): Promise<Measured> {
  const result = await runWatched(CHILD, [kind], ceilingMs, ceilingRssMb);
  return 'stopped' in result ? { kind, stopped: result.stopped } : (result.report as HostileReport);
}

/**
 * Runs a TypeScript script in a child process (`node --import tsx`), killed when it passes
 * `ceilingMs` or `ceilingRssMb`; resolves to the JSON object its last stdout line holds.
 */
export function runWatched(script: string, args: readonly string[], ceilingMs: number, ceilingRssMb: number): Promise<{ report: unknown } | { stopped: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    let stopped: string | undefined;
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    const started = Date.now();
    const watchdog = setInterval(() => {
      let rssMb = 0;
      try {
        const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
        rssMb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
      } catch {
        return;
      }
      if (rssMb > ceilingRssMb) stopped = `>${ceilingRssMb} MB RSS after ${Date.now() - started} ms`;
      else if (Date.now() - started > ceilingMs) stopped = `>${ceilingMs} ms (RSS ${Math.round(rssMb)} MB)`;
      if (stopped !== undefined) child.kill('SIGKILL');
    }, 50);
    child.on('error', reject);
    child.on('close', (code) => {
      clearInterval(watchdog);
      if (stopped !== undefined) return resolve({ stopped });
      const line = out.trim().split('\n').pop() ?? '';
      if (code !== 0 || line === '') return reject(new Error(`${script} ${args.join(' ')} exited ${code}: ${err.slice(-2000)}`));
      resolve({ report: JSON.parse(line) as unknown });
    });
  });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const kinds = process.argv.length > 2 ? process.argv.slice(2) : HOSTILE_KINDS.map((k) => k.name);
  for (const kind of kinds) {
    const m = await measure(kind);
    if ('stopped' in m) console.log(`${kind.padEnd(26)} stopped: ${m.stopped}`);
    else console.log(`${kind.padEnd(26)} ${String(m.bytes).padStart(8)} B  ${m.ms.toFixed(0).padStart(6)} ms (cpu ${m.cpuMs.toFixed(0).padStart(5)} ms)  ${String(m.peakRssMb).padStart(5)} MB  ${m.outcome}${m.error ? `: ${m.errorName}: ${m.error.slice(0, 120)}` : ''}`);
  }
}
