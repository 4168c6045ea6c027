/**
 * What the variant tests share: synthesized variants cleaned up after the file, the scoring role's
 * policy statements, and the cdk-nag verdict.
 */
import { AwsSolutionsChecks } from 'cdk-nag';
import { afterAll, expect } from 'vitest';
import { logicalId, synth } from './synth.js';
import type { Synthesized } from './synth.js';

/** A stack synthesizer (without the handler bundle) whose stacks are removed after the test file. */
export function variants(): (context: Record<string, unknown>) => Synthesized {
  const synthesized: Synthesized[] = [];
  afterAll(() => {
    for (const s of synthesized) s.cleanup();
  });
  return (context) => {
    const s = synth({ bundle: false, context });
    synthesized.push(s);
    return s;
  };
}

export type Statement = { Sid?: string; Action: string | string[]; Resource: unknown };

/** The statements of the scoring function's role policy. */
export function roleStatements(s: Synthesized): Statement[] {
  const role = logicalId(s.json, 'AWS::IAM::Role', 'ScoringRole');
  const policy = Object.values(s.json.Resources).find(
    (r) => r.Type === 'AWS::IAM::Policy' && JSON.stringify(r.Properties?.Roles) === JSON.stringify([{ Ref: role }]),
  );
  return (policy?.Properties as { PolicyDocument: { Statement: Statement[] } }).PolicyDocument.Statement;
}

/** No validation report, no cdk-nag violation, no warning or error annotation. */
export function expectNagClean(s: Synthesized): void {
  expect(s.validationReports).toEqual([]);
  expect(new AwsSolutionsChecks().validateScope(s.app).violations).toEqual([]);
  expect(s.problems).toEqual([]);
}
