/**
 * Synthesizes the CDK app the way `cdk synth` does (same cdk.json context, cdk-nag plugin on), once
 * per call, into a temporary directory, and exposes the template, messages and validation report.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CloudAssembly } from 'aws-cdk-lib/cx-api';
import { Template } from 'aws-cdk-lib/assertions';
import { buildApp } from '../../cdk/build-app.js';
import type { BuiltApp } from '../../cdk/build-app.js';
import type { RideDurationStackProps } from '../../cdk/stack.js';
import { REPO_ROOT } from '../../cdk/stack.js';

/** The `context` block of cdk.json: feature flags the CLI passes to the app. */
export function cdkJsonContext(): Record<string, unknown> {
  const json = JSON.parse(readFileSync(join(REPO_ROOT, 'cdk.json'), 'utf8')) as { context: Record<string, unknown> };
  return json.context;
}

export interface Synthesized extends BuiltApp {
  readonly assembly: CloudAssembly;
  readonly template: Template;
  /** The raw template JSON. */
  readonly json: { Resources: Record<string, { Type: string; Properties?: Record<string, unknown> }> };
  /** Warning and error messages attached to the stack (annotations). */
  readonly problems: Array<{ level: string; id: string; entry: unknown }>;
  /** Plugin reports of `validation-report.json` (empty when every plugin passed). */
  readonly validationReports: unknown[];
  readonly outdir: string;
  cleanup(): void;
}

export interface SynthOptions {
  /** Extra CDK context, as `-c name=value` would give it (strings). */
  readonly context?: Record<string, unknown>;
  readonly overrides?: RideDurationStackProps;
  /**
   * Bundle the handler with esbuild (default true). Variants that only check other resources skip
   * it with CDK's own `aws:cdk:bundling-stacks` switch, which `cdk synth --exclusively` uses too.
   */
  readonly bundle?: boolean;
}

export function synth(options: SynthOptions = {}): Synthesized {
  const outdir = mkdtempSync(join(tmpdir(), 'ride-cdk-'));
  const built = buildApp(
    {
      outdir,
      context: {
        ...cdkJsonContext(),
        ...(options.bundle === false ? { 'aws:cdk:bundling-stacks': [] } : {}),
        ...options.context,
      },
      // CDK's built-in CloudFormation schema check costs ~15 s per synth on two cores; `cdk synth`
      // (and the ops docs) run it. The cdk-nag plugin registered by buildApp runs here as in the CLI.
      builtinCloudFormationValidation: false,
    },
    options.overrides,
  );
  const assembly = built.app.synth();
  const artifact = assembly.getStackArtifact(built.stack.artifactId);
  const json = artifact.template as Synthesized['json'];
  const problems = artifact.messages
    .filter((m) => m.level === 'warning' || m.level === 'error')
    .map((m) => ({ level: m.level, id: m.id, entry: m.entry.data }));
  const reportFile = join(outdir, 'validation-report.json');
  const report = existsSync(reportFile)
    ? (JSON.parse(readFileSync(reportFile, 'utf8')) as { pluginReports: unknown[] })
    : { pluginReports: [] };
  return {
    ...built,
    assembly,
    template: Template.fromJSON(json as Record<string, unknown>),
    json,
    problems,
    validationReports: report.pluginReports,
    outdir,
    cleanup: () => rmSync(outdir, { recursive: true, force: true }),
  };
}

/** Logical id of the only resource of a type whose id starts with `prefix`. */
export function logicalId(json: Synthesized['json'], type: string, prefix: string): string {
  const ids = Object.entries(json.Resources)
    .filter(([id, r]) => r.Type === type && id.startsWith(prefix))
    .map(([id]) => id);
  if (ids.length !== 1) throw new Error(`expected one ${type} starting with ${prefix}, found ${ids.join(', ') || 'none'}`);
  return ids[0] as string;
}
