/**
 * The shadow model in the stack (context `shadowModelKey`): its location in the function's
 * environment, read on exactly its objects, write on exactly the pairs' prefix, its alarm and
 * dashboard widgets; nothing of it without the key. Synthesized without the bundle, cdk-nag on.
 */
import { Match } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { expectNagClean, roleStatements, variants } from './assertions.js';
import { logicalId } from './synth.js';
import type { Synthesized } from './synth.js';

const variant = variants();

const alarms = (s: Synthesized) => Object.values(s.json.Resources).filter((r) => r.Type === 'AWS::CloudWatch::Alarm');
const dashboardBody = (s: Synthesized): string => JSON.stringify(Object.values(s.json.Resources).find((r) => r.Type === 'AWS::CloudWatch::Dashboard')?.Properties?.DashboardBody);

describe('shadowModelKey (a candidate model file)', () => {
  let s: Synthesized;
  beforeAll(() => {
    s = variant({ shadowModelKey: 'candidates/lin_reg-v2.bin' });
  });

  it('sets SHADOW_MODEL_LOCATION and the pairs prefix in the function environment', () => {
    s.template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({
          SHADOW_MODEL_LOCATION: { 'Fn::Join': ['', ['s3://', { Ref: logicalId(s.json, 'AWS::S3::Bucket', 'ModelBucket') }, '/candidates/lin_reg-v2.bin']] },
          SHADOW_PAIRS_PREFIX: 'shadow/',
        }),
      },
    });
  });

  it('grants s3:GetObject on exactly the shadow model and s3:PutObject on exactly shadow/*', () => {
    const models = logicalId(s.json, 'AWS::S3::Bucket', 'ModelBucket');
    const deadLetters = logicalId(s.json, 'AWS::S3::Bucket', 'DeadLetterBucket');
    const statements = roleStatements(s);
    expect(statements.find((st) => st.Sid === 'ReadShadowModel')).toMatchObject({
      Action: 's3:GetObject',
      // The model and its recipe, read when present.
      Resource: [
        { 'Fn::Join': ['', [{ 'Fn::GetAtt': [models, 'Arn'] }, '/candidates/lin_reg-v2.bin']] },
        { 'Fn::Join': ['', [{ 'Fn::GetAtt': [models, 'Arn'] }, '/candidates/lin_reg-v2.bin.recipe.json']] },
      ],
    });
    expect(statements.find((st) => st.Sid === 'WriteShadowPairs')).toMatchObject({
      Action: 's3:PutObject',
      Resource: { 'Fn::Join': ['', [{ 'Fn::GetAtt': [deadLetters, 'Arn'] }, '/shadow/*']] },
    });
  });

  it('alarms on shadow load or scoring failures and graphs the differences by shadow version', () => {
    const shadowAlarm = alarms(s).find((a) => String(a.Properties?.AlarmDescription).startsWith('The shadow model'));
    expect(shadowAlarm?.Properties).toMatchObject({ Threshold: 1, ComparisonOperator: 'GreaterThanOrEqualToThreshold', TreatMissingData: 'notBreaching' });
    const metricNames = JSON.stringify(shadowAlarm?.Properties?.Metrics);
    expect(metricNames).toContain('ShadowLoadFailures');
    expect(metricNames).toContain('ShadowScoringFailures');
    const body = dashboardBody(s);
    for (const metric of ['ShadowMeanAbsDiff', 'ShadowMeanSignedDiff', 'ShadowP95AbsDiff', 'ShadowRidesCompared']) expect(body).toContain(metric);
    expect(body).toContain('ShadowVersion');
  });

  it('is nag-clean (the pairs wildcard acknowledged with a reason)', () => {
    expectNagClean(s);
  });
});

describe('a shadow MLflow folder, and no shadow', () => {
  let folder: Synthesized;
  let none: Synthesized;
  beforeAll(() => {
    folder = variant({ shadowModelKey: '1/def456/artifacts/model/' });
    none = variant({});
  });

  it('reads under the folder only and is nag-clean', () => {
    const models = logicalId(folder.json, 'AWS::S3::Bucket', 'ModelBucket');
    expect(roleStatements(folder).find((st) => st.Sid === 'ReadShadowModel')?.Resource).toEqual({
      'Fn::Join': ['', [{ 'Fn::GetAtt': [models, 'Arn'] }, '/1/def456/artifacts/model/*']],
    });
    expectNagClean(folder);
  });

  it('without the key: no shadow statement, variable, alarm or widget', () => {
    const sids = roleStatements(none).map((st) => st.Sid);
    expect(sids).not.toContain('ReadShadowModel');
    expect(sids).not.toContain('WriteShadowPairs');
    expect(JSON.stringify(none.json)).not.toContain('SHADOW_MODEL_LOCATION');
    expect(alarms(none)).toHaveLength(7);
    expect(dashboardBody(none)).not.toContain('Shadow');
  });
});
