/**
 * Docs that cannot drift: every ```console block in README.md and docs/*.md marked with
 * `<!-- sample: checked -->` is re-run (each `$ ` line, through sh, stdout and stderr together, the
 * built CLI as `ride-duration`) and its output compared with the one printed, after masking what
 * varies from run to run (timings, ports, temporary paths). The marked samples are the short
 * ones (well under a second each); long runs (`npm start`, `score` of a month) are quoted from
 * real runs but not re-run here.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

import { repoPath } from '../cli/support.js';

const MARKER = '<!-- sample: checked -->';
const DOCS = ['README.md', ...readdirSync(repoPath('docs')).filter((name) => name.endsWith('.md')).map((name) => `docs/${name}`)];

interface Sample {
  readonly file: string;
  readonly line: number;
  readonly commands: string[];
  readonly output: string;
}

/** The marked console blocks of a markdown file. */
export function samplesOf(file: string, text: string): Sample[] {
  const samples: Sample[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    if (lines[i]?.trim() !== MARKER) continue;
    if (lines[i + 1]?.trim() !== '```console') throw new Error(`${file}:${i + 1}: ${MARKER} must precede a \`\`\`console block`);
    const end = lines.indexOf('```', i + 2);
    const body = lines.slice(i + 2, end);
    samples.push({
      file,
      line: i + 1,
      commands: body.filter((l) => l.startsWith('$ ')).map((l) => l.slice(2)),
      output: body.filter((l) => !l.startsWith('$ ')).join('\n'),
    });
    i = end;
  }
  return samples;
}

/** What changes between runs, replaced by a fixed token. */
export function mask(text: string): string {
  return text
    .replace(/\d+(\.\d+)? ?(ms|s)\b/g, '<time>')
    .replace(/127\.0\.0\.1:\d+/g, '127.0.0.1:<port>')
    .replaceAll(repoPath(''), '<repo>/')
    .replace(/\/tmp\/[\w.-]+/g, '<tmp>')
    .trimEnd();
}

// `ride-duration` on PATH: the built CLI of this checkout.
const shimDir = mkdtempSync(join(tmpdir(), 'samples-bin-'));
writeFileSync(join(shimDir, 'ride-duration'), `#!/bin/sh\nexec "${process.execPath}" "${repoPath('bin/ride-duration.js')}" "$@"\n`);
chmodSync(join(shimDir, 'ride-duration'), 0o755);
afterAll(() => rmSync(shimDir, { recursive: true, force: true }));

function run(command: string): string {
  try {
    return execFileSync('sh', ['-c', `{ ${command}; } 2>&1`], {
      cwd: repoPath(''),
      encoding: 'utf8',
      env: { ...process.env, PATH: `${shimDir}:${process.env['PATH'] ?? ''}`, DEBUG: '', NO_COLOR: '1' },
    });
  } catch (error) {
    // A sample may show a failure: its output is what counts (the exit code is in the text when it matters).
    return String((error as { stdout?: string }).stdout ?? '');
  }
}

const samples = DOCS.flatMap((file) => samplesOf(file, readFileSync(repoPath(file), 'utf8')));

describe('documented command samples', () => {
  it('are found (the marker is in use)', () => {
    expect(samples.length).toBeGreaterThanOrEqual(4);
  });

  it.each(samples.map((sample) => [`${sample.file}:${sample.line} ${sample.commands.join(' && ')}`, sample] as const))('%s', (_name, sample) => {
    const output = sample.commands.map(run).join('');
    expect(mask(output)).toBe(mask(sample.output));
  });
});
