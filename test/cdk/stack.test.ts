/**
 * The default stack, synthesized once with real esbuild bundling of lambda/handler.ts and the
 * cdk-nag AwsSolutions plugin, as `cdk synth` does.
 */
import { execFile } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Validations } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_MODEL_FILE } from '../../cdk/defaults.js';
import { REPO_ROOT } from '../../cdk/stack.js';
import { loadModelFromBytes } from '../../lambda/model/index.js';
import { logicalId, synth } from './synth.js';
import type { Synthesized } from './synth.js';

const execFileAsync = promisify(execFile);
let s: Synthesized;
const ids: Record<string, string> = {};

beforeAll(() => {
  s = synth();
  const find = (key: string, type: string, prefix: string) => {
    ids[key] = logicalId(s.json, type, prefix);
  };
  find('input', 'AWS::Kinesis::Stream', 'InputStream');
  find('output', 'AWS::Kinesis::Stream', 'OutputStream');
  find('fn', 'AWS::Lambda::Function', 'ScoringFunction');
  find('role', 'AWS::IAM::Role', 'ScoringRole');
  find('queue', 'AWS::SQS::Queue', 'ScoringOnFailureQueue');
  find('logGroup', 'AWS::Logs::LogGroup', 'ScoringLogGroup');
  find('modelBucket', 'AWS::S3::Bucket', 'ModelBucket');
  find('deadLetterBucket', 'AWS::S3::Bucket', 'DeadLetterBucket');
  find('accessLogs', 'AWS::S3::Bucket', 'AccessLogsBucket');
});
afterAll(() => s?.cleanup());

const arn = (id: string) => ({ 'Fn::GetAtt': [id, 'Arn'] });

describe('streams', () => {
  it('creates both streams with the course names, KMS-encrypted, on-demand, 24 h retention', () => {
    for (const [id, name] of [
      [ids.input, 'ride_events'],
      [ids.output, 'ride_predictions'],
    ] as const) {
      expect(s.json.Resources[id as string]?.Properties).toEqual({
        Name: name,
        RetentionPeriodHours: 24,
        StreamEncryption: { EncryptionType: 'KMS', KeyId: 'alias/aws/kinesis' },
        StreamModeDetails: { StreamMode: 'ON_DEMAND' },
      });
    }
    s.template.resourceCountIs('AWS::Kinesis::Stream', 2);
    // No customer managed key unless asked for (cdk-nag KDS3).
    s.template.resourceCountIs('AWS::KMS::Key', 0);
  });
});

describe('function', () => {
  it('runs the bundled ESM handler on the newest Node.js runtime on ARM64', () => {
    s.template.hasResourceProperties('AWS::Lambda::Function', {
      FunctionName: Match.absent(),
      Runtime: 'nodejs24.x',
      Architectures: ['arm64'],
      Handler: 'index.handler',
      MemorySize: 512,
      Timeout: 60,
      Role: arn(ids.role as string),
      LoggingConfig: {
        LogFormat: 'JSON',
        ApplicationLogLevel: 'INFO',
        SystemLogLevel: 'INFO',
        LogGroup: { Ref: ids.logGroup },
      },
    });
  });

  it('sets exactly the environment of the handler contract', () => {
    const fn = s.json.Resources[ids.fn as string]?.Properties as { Environment: { Variables: unknown } };
    expect(fn.Environment.Variables).toEqual({
      PREDICTIONS_STREAM_NAME: { Ref: ids.output },
      MODEL_LOCATION: { 'Fn::Join': ['', ['s3://', { Ref: ids.modelBucket }, '/models/lin_reg.bin']] },
      DEAD_LETTER_BUCKET: { Ref: ids.deadLetterBucket },
      DEAD_LETTER_PREFIX: 'dead-letters/',
      POWERTOOLS_SERVICE_NAME: 'ride-duration-stream',
      POWERTOOLS_METRICS_NAMESPACE: 'RideDurationStream',
      LOG_LEVEL: 'INFO',
    });
  });

  it('bundles lambda/entry.ts with NodejsFunction into one minified ESM file with the SDK clients in it (local esbuild, no Docker)', () => {
    const fn = s.json.Resources[ids.fn as string]?.Properties as { Code: { S3Key: string }; Handler: string };
    const dir = join(s.assembly.directory, `asset.${fn.Code.S3Key.replace(/\.zip$/, '')}`);
    expect(fn.Handler).toBe('index.handler');
    expect(readdirSync(dir)).toEqual(['index.mjs']); // no chunks, no source map
    const code = readFileSync(join(dir, 'index.mjs'), 'utf8');
    expect(code).toContain('PutRecords'); // @aws-sdk/client-kinesis, bundled rather than the runtime's
    expect(code).toContain('PutObject'); // @aws-sdk/client-s3
    expect(code).not.toContain('AWS4-HMAC-SHA256"+'); // no signer of our own: the SDK signs
    // No dependency needs a CommonJS require() (the bundle has no createRequire banner).
    expect(code).not.toMatch(/__require\b/);
  });

  it('ships a bundle that scores the course event (TEST_RUN, default model) in plain Node', async () => {
    const code = (s.json.Resources[ids.fn as string]?.Properties?.Code as { S3Key: string }).S3Key;
    const dir = join(s.assembly.directory, `asset.${code.replace(/\.zip$/, '')}`);
    const script = [
      "const { handler } = await import('./index.mjs');",
      "const { readFileSync } = await import('node:fs');",
      'const event = JSON.parse(readFileSync(process.env.EVENT_FILE, "utf8"));',
      'const response = await handler(event, { getRemainingTimeInMillis: () => 30000, functionName: "f", awsRequestId: "r" });',
      'process.stdout.write("\\n" + JSON.stringify(response) + "\\n");',
    ].join('\n');
    const { stdout } = await execFileAsync(process.execPath, ['--input-type=module', '-e', script], {
      cwd: dir,
      env: {
        PATH: process.env.PATH ?? '',
        // As in Lambda: the handler is built and the model loaded at import, the init phase.
        AWS_LAMBDA_FUNCTION_NAME: 'f',
        TEST_RUN: 'True',
        MODEL_LOCATION: join(REPO_ROOT, 'model-artifacts', 'lin_reg.bin'),
        EVENT_FILE: join(REPO_ROOT, 'events', 'kinesis-single-ride.json'),
        LOG_LEVEL: 'SILENT',
        POWERTOOLS_METRICS_DISABLED: 'true',
      },
    });
    const lines = stdout.trim().split('\n');
    const response = JSON.parse(lines[lines.length - 1] as string) as { predictions: unknown[]; batchItemFailures: unknown[] };
    expect(response.batchItemFailures).toEqual([]);
    expect(response.predictions).toEqual([
      {
        model: 'ride_duration_prediction_model',
        version: expect.any(String),
        prediction: { ride_duration: 12.78553032985699, ride_id: 256 },
      },
    ]);
  });

  it('has an explicit log group with a one-month retention that outlives the stack', () => {
    s.template.hasResource('AWS::Logs::LogGroup', {
      Properties: { RetentionInDays: 30 },
      DeletionPolicy: 'Retain',
    });
  });
});

describe('event source mapping', () => {
  it('reports partial failures, bisects, bounds retries and age, and sends exhausted batches to the queue', () => {
    s.template.resourceCountIs('AWS::Lambda::EventSourceMapping', 1);
    s.template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: arn(ids.input as string),
      FunctionName: { Ref: ids.fn },
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      BisectBatchOnFunctionError: true,
      MaximumRetryAttempts: 3,
      MaximumRecordAgeInSeconds: 3600,
      BatchSize: 100,
      MaximumBatchingWindowInSeconds: 1,
      ParallelizationFactor: 1,
      StartingPosition: 'LATEST',
      DestinationConfig: { OnFailure: { Destination: arn(ids.queue as string) } },
    });
  });

  it('uses an encrypted, TLS-only on-failure queue kept 14 days', () => {
    expect(s.json.Resources[ids.queue as string]?.Properties).toEqual({
      MessageRetentionPeriod: 14 * 24 * 3600,
      SqsManagedSseEnabled: true,
    });
    s.template.hasResourceProperties('AWS::SQS::QueuePolicy', {
      Queues: [{ Ref: ids.queue }],
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
  });
});

describe('function role (least privilege)', () => {
  it('has no managed policies and exactly these statements', () => {
    const role = s.json.Resources[ids.role as string]?.Properties ?? {};
    expect(role.ManagedPolicyArns).toBeUndefined();
    expect(role.Policies).toBeUndefined();

    const policies = Object.values(s.json.Resources).filter(
      (r) =>
        r.Type === 'AWS::IAM::Policy' &&
        JSON.stringify((r.Properties as { Roles: unknown }).Roles) === JSON.stringify([{ Ref: ids.role }]),
    );
    expect(policies).toHaveLength(1);
    const document = (policies[0]?.Properties as { PolicyDocument: { Statement: unknown[] } }).PolicyDocument;
    const join = (...parts: unknown[]) => ({ 'Fn::Join': ['', parts] });
    expect(document.Statement).toEqual([
      {
        Sid: 'WriteOwnLogs',
        Effect: 'Allow',
        Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        Resource: join(
          'arn:',
          { Ref: 'AWS::Partition' },
          ':logs:',
          { Ref: 'AWS::Region' },
          ':',
          { Ref: 'AWS::AccountId' },
          ':log-group:',
          { Ref: ids.logGroup },
          ':log-stream:*',
        ),
      },
      {
        Sid: 'ReadInputStream',
        Effect: 'Allow',
        Action: [
          'kinesis:DescribeStream',
          'kinesis:DescribeStreamSummary',
          'kinesis:GetRecords',
          'kinesis:GetShardIterator',
          'kinesis:ListShards',
        ],
        Resource: arn(ids.input as string),
      },
      { Sid: 'SendFailedBatchMetadata', Effect: 'Allow', Action: 'sqs:SendMessage', Resource: arn(ids.queue as string) },
      { Sid: 'WritePredictions', Effect: 'Allow', Action: 'kinesis:PutRecords', Resource: arn(ids.output as string) },
      {
        Sid: 'ReadModel',
        Effect: 'Allow',
        Action: 's3:GetObject',
        Resource: [join(arn(ids.modelBucket as string), '/models/lin_reg.bin'), join(arn(ids.modelBucket as string), '/models/lin_reg.bin.recipe.json')],
      },
      {
        Sid: 'WriteDeadLetters',
        Effect: 'Allow',
        Action: 's3:PutObject',
        Resource: join(arn(ids.deadLetterBucket as string), '/dead-letters/*'),
      },
    ]);
    // No wildcard action anywhere in the function's policy.
    expect(JSON.stringify(document)).not.toMatch(/"[a-z0-9]+:[A-Za-z]*\*"/);
  });
});

describe('buckets', () => {
  it('creates a versioned, TLS-only, private, encrypted, access-logged model bucket that is retained', () => {
    s.template.hasResource('AWS::S3::Bucket', {
      Properties: Match.objectLike({
        VersioningConfiguration: { Status: 'Enabled' },
        BucketEncryption: {
          ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
        },
        PublicAccessBlockConfiguration: {
          BlockPublicAcls: true,
          BlockPublicPolicy: true,
          IgnorePublicAcls: true,
          RestrictPublicBuckets: true,
        },
        LoggingConfiguration: { DestinationBucketName: { Ref: ids.accessLogs }, LogFilePrefix: 'model-bucket/' },
      }),
      DeletionPolicy: 'Retain',
    });
    for (const bucket of [ids.modelBucket, ids.deadLetterBucket, ids.accessLogs]) {
      s.template.hasResourceProperties('AWS::S3::BucketPolicy', {
        Bucket: { Ref: bucket },
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
          ]),
        },
      });
    }
  });

  it('expires dead letters after 30 days', () => {
    expect(s.json.Resources[ids.deadLetterBucket as string]?.Properties).toMatchObject({
      LifecycleConfiguration: { Rules: [{ ExpirationInDays: 30, Status: 'Enabled' }] },
      LoggingConfiguration: { DestinationBucketName: { Ref: ids.accessLogs }, LogFilePrefix: 'dead-letter-bucket/' },
    });
  });

  it('uploads the default model to models/ without pruning other models', () => {
    s.template.hasResourceProperties('Custom::CDKBucketDeployment', {
      DestinationBucketName: { Ref: ids.modelBucket },
      DestinationBucketKeyPrefix: 'models/',
      Prune: false,
    });
  });

  it('uploads the pickle alone, byte for byte the model in the repository', () => {
    const deployment = Object.values(s.json.Resources).find((r) => r.Type === 'Custom::CDKBucketDeployment');
    expect((deployment?.Properties as { SourceObjectKeys: unknown[] }).SourceObjectKeys).toHaveLength(1);
    const staged = readdirSync(s.assembly.directory)
      .filter((name) => name.startsWith('asset.'))
      .map((name) => join(s.assembly.directory, name, 'lin_reg.bin'))
      .filter((path) => existsSync(path));
    expect(staged).toHaveLength(1);
    const model = loadModelFromBytes(readFileSync(staged[0] as string), { source: 'models/lin_reg.bin' });
    expect(model.predictor.predictOne({ PU_DO: '130_205', trip_distance: 3.66 })).toBe(12.78553032985699);
    expect(Buffer.compare(readFileSync(staged[0] as string), readFileSync(join(REPO_ROOT, DEFAULT_MODEL_FILE)))).toBe(0);
  });
});

describe('alarms and dashboard', () => {
  it('alarms on iterator age, errors, throttles, queue depth and the handler failure metrics', () => {
    const alarms = Object.values(s.json.Resources)
      .filter((r) => r.Type === 'AWS::CloudWatch::Alarm')
      .map((r) => r.Properties as { Namespace: string; MetricName: string; Dimensions: unknown; Metrics?: unknown });
    expect(alarms.filter((a) => a.Metrics === undefined).map((a) => `${a.Namespace}/${a.MetricName}`).sort()).toEqual([
      'AWS/Lambda/Errors',
      'AWS/Lambda/IteratorAge',
      'AWS/Lambda/Throttles',
      'AWS/SQS/ApproximateNumberOfMessagesVisible',
      'RideDurationStream/DeadLetterWriteFailures',
      'RideDurationStream/OutputWriteFailures',
    ]);
    s.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'RideDurationStream',
      MetricName: 'OutputWriteFailures',
      Dimensions: [{ Name: 'service', Value: 'ride-duration-stream' }],
      Statistic: 'Sum',
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
    });
    s.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'IteratorAge',
      Statistic: 'Maximum',
      Threshold: 300_000,
    });
    // No e-mail given: no topic, alarms without actions.
    s.template.resourceCountIs('AWS::SNS::Topic', 0);
  });

  it('alarms on a sustained share of rides with unseen feature values, weighted by rides', () => {
    s.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Threshold: 25,
      EvaluationPeriods: 3,
      ComparisonOperator: 'GreaterThanThreshold',
      Metrics: Match.arrayWith([
        Match.objectLike({ Id: 'expr_1', Expression: '100 * unseen / MAX([predicted, 1])' }),
        Match.objectLike({ Id: 'unseen', MetricStat: Match.objectLike({ Metric: Match.objectLike({ MetricName: 'UnseenFeatureValues', Namespace: 'RideDurationStream' }), Stat: 'Sum' }) }),
        Match.objectLike({ Id: 'predicted', MetricStat: Match.objectLike({ Metric: Match.objectLike({ MetricName: 'RecordsPredicted' }), Stat: 'Sum' }) }),
      ]),
    });
  });

  it('has a dashboard', () => {
    s.template.resourceCountIs('AWS::CloudWatch::Dashboard', 1);
  });

  it('outputs stream names and ARNs, bucket, function and dead-letter targets', () => {
    const outputs = Object.keys(s.template.findOutputs('*')).sort();
    expect(outputs).toEqual(
      [
        'DashboardName',
        'DeadLetterBucketName',
        'DeadLetterLocation',
        'FunctionName',
        'InputStreamArn',
        'InputStreamName',
        'LogGroupName',
        'ModelBucketName',
        'ModelLocation',
        'OnFailureQueueArn',
        'OnFailureQueueUrl',
        'OutputStreamArn',
        'OutputStreamName',
      ].sort(),
    );
  });
});

describe('cdk-nag AwsSolutions', () => {
  it('synthesizes with the plugin and reports nothing', () => {
    expect(s.validationReports).toEqual([]);
  });

  it('finds no unacknowledged violation when run directly on the app', () => {
    const report = new AwsSolutionsChecks().validateScope(s.app);
    expect(report.violations).toEqual([]);
    expect(report.success).toBe(true);
  });

  it('acknowledges exactly these findings, each with a reason', () => {
    const acknowledged: Array<[string, string]> = [];
    for (const construct of s.app.node.findAll()) {
      for (const entry of construct.node.metadata) {
        if (entry.type !== Validations.ACKNOWLEDGED_RULES_METADATA_KEY) continue;
        for (const [id, reason] of Object.entries(entry.data as Record<string, string>)) {
          expect(reason.length, id).toBeGreaterThan(60);
          const path = construct.node.path.replace(/^RideDurationStream\//, '').replace(/CDKBucketDeployment\w+/, 'CDKBucketDeployment');
          acknowledged.push([path, id.replace(/^Annotation::/, '')]);
        }
      }
    }
    const provider = 'Custom::CDKBucketDeployment';
    expect(acknowledged.sort()).toEqual(
      [
        ['AccessLogsBucket', 'AwsSolutions-S1'],
        ['Scoring/OnFailureQueue', 'AwsSolutions-SQS3'],
        [
          'Scoring/Role/DefaultPolicy',
          `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:logs:<AWS::Region>:<AWS::AccountId>:log-group:<${ids.logGroup}>:log-stream:*]`,
        ],
        ['Scoring/Role/DefaultPolicy', `AwsSolutions-IAM5[Resource::<${ids.deadLetterBucket}.Arn>/dead-letters/*]`],
        [provider, 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]'],
        [provider, 'AwsSolutions-L1'],
        [provider, 'AwsSolutions-IAM5[Action::s3:GetBucket*]'],
        [provider, 'AwsSolutions-IAM5[Action::s3:GetObject*]'],
        [provider, 'AwsSolutions-IAM5[Action::s3:List*]'],
        [provider, 'AwsSolutions-IAM5[Action::s3:Abort*]'],
        [provider, 'AwsSolutions-IAM5[Action::s3:DeleteObject*]'],
        [provider, 'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:s3:::cdk-hnb659fds-assets-<AWS::AccountId>-<AWS::Region>/*]'],
        [provider, `AwsSolutions-IAM5[Resource::<${ids.modelBucket}.Arn>/*]`],
      ].sort(),
    );
  });

  it('leaves no warning or error annotation on the stack', () => {
    expect(s.problems).toEqual([]);
  });
});
