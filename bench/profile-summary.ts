/**
 * Summarises a V8 `.cpuprofile` (from `node --cpu-prof`): self time per function or per source
 * file / npm package. A bundled script with a source map beside it (`<script>.map`: the `dist/`
 * chunks of the CLI, a Lambda bundle built with `--sourcemap`) is mapped back to our sources.
 *
 * ```sh
 * npx tsx bench/profile-summary.ts /tmp/prof/CPU.*.cpuprofile --by package
 * ```
 */
import { existsSync, readFileSync } from 'node:fs';
import { SourceMap, type SourceMapPayload } from 'node:module';
import { fileURLToPath } from 'node:url';
import { Command } from 'commander';

interface CallFrame {
  readonly functionName: string;
  readonly url: string;
  readonly lineNumber: number;
  readonly columnNumber: number;
}
interface ProfileNode {
  readonly id: number;
  readonly callFrame: CallFrame;
}
interface CpuProfile {
  readonly nodes: readonly ProfileNode[];
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

type Grouping = 'function' | 'package';

/** Each script's source map (`<script>.map` beside it), or null when it has none. */
const maps = new Map<string, SourceMap | null>();

function mapOf(url: string): SourceMap | null {
  let map = maps.get(url);
  if (map === undefined) {
    const file = url.startsWith('file://') ? `${fileURLToPath(url)}.map` : undefined;
    map = file !== undefined && existsSync(file) ? new SourceMap(JSON.parse(readFileSync(file, 'utf8')) as SourceMapPayload) : null;
    maps.set(url, map);
  }
  return map;
}

function location(frame: CallFrame): { source: string; name: string } {
  let source = frame.url;
  let name = frame.functionName || '(anonymous)';
  const map = frame.lineNumber >= 0 ? mapOf(frame.url) : null;
  if (map !== null) {
    const entry = map.findEntry(frame.lineNumber, frame.columnNumber) as Partial<{
      originalSource: string;
      originalLine: number;
      name: string;
    }>;
    if (entry.originalSource !== undefined) {
      source = `${entry.originalSource}:${(entry.originalLine ?? 0) + 1}`;
      if (entry.name) name = entry.name;
    }
  }
  source = source.replace(/^.*?node_modules\//, 'node_modules/').replace(/^(?:file:\/\/)?.*?\/(lambda|bench|local|io|cdk|cli|train|serve)\//, '$1/');
  return { source, name };
}

function groupKey(frame: CallFrame, by: Grouping): string {
  const { source, name } = location(frame);
  if (by === 'function') return `${name}  ${source}`;
  const npm = /^node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(source);
  if (npm) return `node_modules/${npm[1]}`;
  return source === '' ? `(${name})` : source.replace(/:\d+$/, '');
}

/** Self time per group, largest first. */
export function summarise(profile: CpuProfile, by: Grouping): { totalMs: number; rows: Array<[string, number]> } {
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
  const self = new Map<string, number>();
  let total = 0;
  profile.samples.forEach((id, index) => {
    const node = nodes.get(id);
    const delta = profile.timeDeltas[index] ?? 0;
    total += delta;
    if (node === undefined) return;
    const key = groupKey(node.callFrame, by);
    self.set(key, (self.get(key) ?? 0) + delta);
  });
  return { totalMs: total / 1000, rows: [...self].map(([key, us]): [string, number] => [key, us / 1000]).sort((a, b) => b[1] - a[1]) };
}

const program = new Command()
  .name('profile-summary')
  .argument('<profile>', '.cpuprofile file')
  .option('--by <grouping>', 'function | package', 'function')
  .option('--top <n>', 'rows to print', '30')
  .action((file: string, options: { by: string; top: string }) => {
    const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
    const { totalMs, rows } = summarise(profile, options.by === 'package' ? 'package' : 'function');
    console.log(`sampled ${totalMs.toFixed(0)} ms`);
    for (const [key, ms] of rows.slice(0, Number(options.top))) {
      console.log(`${ms.toFixed(1).padStart(9)} ms ${((100 * ms) / totalMs).toFixed(1).padStart(5)} %  ${key}`);
    }
  });

program.parse();
