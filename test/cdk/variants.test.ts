/**
 * Context-driven variants of the stack, each synthesized once with cdk-nag on. The handler bundle
 * is skipped here (CDK's `aws:cdk:bundling-stacks`), stack.test.ts covers it.
 */
import { Match } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { expectNagClean, roleStatements, variants } from './assertions.js';
import { logicalId } from './synth.js';
import type { Synthesized } from './synth.js';

const variant = variants();

describe('customerManagedKey=true', () => {
  let s: Synthesized;
  beforeAll(() => {
    s = variant({ customerManagedKey: 'true' });
  });

  it('encrypts both streams, the queue and the dead letters with one rotated, retained key', () => {
    const key = logicalId(s.json, 'AWS::KMS::Key', 'DataKey');
    s.template.resourceCountIs('AWS::KMS::Key', 1);
    s.template.hasResource('AWS::KMS::Key', { Properties: Match.objectLike({ EnableKeyRotation: true }), DeletionPolicy: 'Retain' });
    const streams = Object.values(s.json.Resources).filter((r) => r.Type === 'AWS::Kinesis::Stream');
    expect(streams).toHaveLength(2);
    for (const stream of streams) {
      expect(stream.Properties?.StreamEncryption).toEqual({ EncryptionType: 'KMS', KeyId: { 'Fn::GetAtt': [key, 'Arn'] } });
    }
    s.template.hasResourceProperties('AWS::SQS::Queue', { KmsMasterKeyId: { 'Fn::GetAtt': [key, 'Arn'] } });
    s.template.hasResourceProperties('AWS::S3::Bucket', {
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [
          {
            BucketKeyEnabled: true,
            ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: { 'Fn::GetAtt': [key, 'Arn'] } },
          },
        ],
      },
    });
  });

  it('adds exactly kms:Decrypt and kms:GenerateDataKey on that key to the function role', () => {
    const key = logicalId(s.json, 'AWS::KMS::Key', 'DataKey');
    const statements = roleStatements(s);
    expect(statements.map((st) => st.Sid)).toEqual([
      'WriteOwnLogs',
      'ReadInputStream',
      'UseDataKey',
      'SendFailedBatchMetadata',
      'WritePredictions',
      'ReadModel',
      'WriteDeadLetters',
    ]);
    expect(statements.find((st) => st.Sid === 'UseDataKey')).toEqual({
      Sid: 'UseDataKey',
      Effect: 'Allow',
      Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
      Resource: { 'Fn::GetAtt': [key, 'Arn'] },
    });
  });

  it('is nag-clean (KDS3 acknowledged with a reason)', () => {
    expectNagClean(s);
  });
});

describe('imported bucket, provisioned shards, tuned event source, alarm e-mail', () => {
  let s: Synthesized;
  beforeAll(() => {
    s = variant({
      modelBucketName: 'my-models',
      modelKey: 'prod/ride/model.bin',
      deployDefaultModel: 'false',
      modelSha256: 'AB'.repeat(32),
      runId: 'run-42',
      shardCount: '2',
      streamRetentionHours: '48',
      batchSize: '500',
      maxBatchingWindowSeconds: '0',
      parallelizationFactor: '4',
      retryAttempts: '5',
      maxRecordAgeSeconds: '600',
      startingPosition: 'TRIM_HORIZON',
      memorySize: '1024',
      timeoutSeconds: '120',
      logRetentionDays: '7',
      logLevel: 'DEBUG',
      alarmEmail: 'ops@example.com',
      iteratorAgeAlarmSeconds: '120',
    });
  });

  it('provisions the shards and retention asked for', () => {
    s.template.allResourcesProperties('AWS::Kinesis::Stream', {
      ShardCount: 2,
      RetentionPeriodHours: 48,
      StreamModeDetails: { StreamMode: 'PROVISIONED' },
    });
  });

  it('reads the model from the imported bucket, without uploading or creating a model bucket', () => {
    s.template.resourceCountIs('Custom::CDKBucketDeployment', 0);
    // Only the dead-letter and access-log buckets are created.
    s.template.resourceCountIs('AWS::S3::Bucket', 2);
    const readModel = roleStatements(s).find((st) => st.Sid === 'ReadModel');
    expect(readModel?.Action).toBe('s3:GetObject');
    expect(readModel?.Resource).toEqual([
      { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':s3:::my-models/prod/ride/model.bin']] },
      { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':s3:::my-models/prod/ride/model.bin.recipe.json']] },
    ]);
    s.template.hasResourceProperties('AWS::Lambda::Function', {
      MemorySize: 1024,
      Timeout: 120,
      LoggingConfig: Match.objectLike({ ApplicationLogLevel: 'DEBUG' }),
      Environment: {
        Variables: Match.objectLike({
          MODEL_LOCATION: 's3://my-models/prod/ride/model.bin',
          MODEL_SHA256: 'ab'.repeat(32),
          RUN_ID: 'run-42',
          LOG_LEVEL: 'DEBUG',
        }),
      },
    });
    s.template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 7 });
  });

  it('passes the event-source knobs through', () => {
    s.template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      BatchSize: 500,
      MaximumBatchingWindowInSeconds: 0,
      ParallelizationFactor: 4,
      MaximumRetryAttempts: 5,
      MaximumRecordAgeInSeconds: 600,
      StartingPosition: 'TRIM_HORIZON',
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      BisectBatchOnFunctionError: true,
    });
  });

  it('creates an encrypted, TLS-only topic with the e-mail subscription, notified by every alarm', () => {
    const topic = logicalId(s.json, 'AWS::SNS::Topic', 'MonitoringAlarmTopic');
    s.template.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: Match.anyValue() });
    s.template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'ops@example.com',
      TopicArn: { Ref: topic },
    });
    const alarms = Object.values(s.json.Resources).filter((r) => r.Type === 'AWS::CloudWatch::Alarm');
    expect(alarms).toHaveLength(7);
    for (const alarm of alarms) {
      expect(alarm.Properties?.AlarmActions).toEqual([{ Ref: topic }]);
      expect(alarm.Properties?.OKActions).toEqual([{ Ref: topic }]);
    }
    s.template.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'IteratorAge', Threshold: 120_000 });
    s.template.hasOutput('AlarmTopicArn', { Value: { Ref: topic } });
  });

  it('is nag-clean', () => {
    expectNagClean(s);
  });
});

describe('an MLflow model folder in the created bucket', () => {
  let s: Synthesized;
  beforeAll(() => {
    s = variant({ modelKey: '1/abc123/artifacts/model/', deadLetterPrefix: 'poison' });
  });

  it('grants s3:GetObject under the folder only and normalizes the dead-letter prefix', () => {
    const bucket = logicalId(s.json, 'AWS::S3::Bucket', 'ModelBucket');
    const deadLetters = logicalId(s.json, 'AWS::S3::Bucket', 'DeadLetterBucket');
    const statements = roleStatements(s);
    expect(statements.find((st) => st.Sid === 'ReadModel')?.Resource).toEqual({
      'Fn::Join': ['', [{ 'Fn::GetAtt': [bucket, 'Arn'] }, '/1/abc123/artifacts/model/*']],
    });
    expect(statements.find((st) => st.Sid === 'WriteDeadLetters')?.Resource).toEqual({
      'Fn::Join': ['', [{ 'Fn::GetAtt': [deadLetters, 'Arn'] }, '/poison/*']],
    });
    s.template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ DEAD_LETTER_PREFIX: 'poison/' }) },
    });
  });

  it('is nag-clean (the folder wildcard acknowledged with a reason)', () => {
    expectNagClean(s);
  });
});

describe('the default model uploaded into an imported bucket', () => {
  let s: Synthesized;
  beforeAll(() => {
    s = variant({ modelBucketName: 'my-models' });
  });

  it('deploys models/lin_reg.bin into that bucket and reads it from there', () => {
    s.template.hasResourceProperties('Custom::CDKBucketDeployment', {
      DestinationBucketName: 'my-models',
      DestinationBucketKeyPrefix: 'models/',
      Prune: false,
    });
    expect(roleStatements(s).find((st) => st.Sid === 'ReadModel')?.Resource).toEqual([
      { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':s3:::my-models/models/lin_reg.bin']] },
      { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':s3:::my-models/models/lin_reg.bin.recipe.json']] },
    ]);
  });

  it('is nag-clean (the provider\'s grant on the imported bucket acknowledged)', () => {
    expectNagClean(s);
  });
});
