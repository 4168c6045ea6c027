/**
 * Alarms and the dashboard of the scoring pipeline, and the optional e-mail topic they notify.
 */
import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import {
  Alarm,
  AlarmStatusWidget,
  ComparisonOperator,
  Dashboard,
  GraphWidget,
  MathExpression,
  Metric,
  TextWidget,
  TreatMissingData,
} from 'aws-cdk-lib/aws-cloudwatch';
import type { IAlarmAction, IMetric } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { IStream } from 'aws-cdk-lib/aws-kinesis';
import { Key } from 'aws-cdk-lib/aws-kms';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';
import { METRIC } from '../lambda/metric-names.js';
import { SHADOW_VERSION_DIMENSION } from '../lambda/shadow/metrics.js';
import type { StreamScoring } from './stream-scoring.js';

/** One period for every alarm: short enough to page within minutes, long enough to smooth noise. */
const ALARM_PERIOD = Duration.minutes(5);
/** Powertools Metrics adds this dimension (the service name) to every metric it emits. */
const SERVICE_DIMENSION = 'service';

export interface ScoringMonitoringProps {
  readonly scoring: StreamScoring;
  readonly inputStream: IStream;
  readonly outputStream: IStream;
  /** `POWERTOOLS_SERVICE_NAME` of the function: the `service` dimension of its metrics. */
  readonly serviceName: string;
  /** `POWERTOOLS_METRICS_NAMESPACE` of the function. */
  readonly metricsNamespace: string;
  /** Alarm when the function's iterator age exceeds this. */
  readonly iteratorAgeThreshold: Duration;
  /** Alarm when this percentage of predicted rides carries unseen feature values for 15 minutes. */
  readonly unseenFeatureAlarmPercent: number;
  /** When set, an encrypted SNS topic with this e-mail subscription receives every alarm. */
  readonly alarmEmail?: string | undefined;
  /** A shadow model is configured: add its alarm and its comparison widgets. */
  readonly shadow?: boolean | undefined;
}

/** Periods in a row the unseen-feature share must stay high: drift is sustained, not one odd batch. */
const DRIFT_EVALUATION_PERIODS = 3;

/**
 * Seven alarms (iterator age, errors, throttles, on-failure queue depth, output and dead-letter write
 * failures, sustained drift), a dashboard with throughput, latency and those alarms, and optionally an SNS topic for e-mail.
 */
export class ScoringMonitoring extends Construct {
  readonly iteratorAgeAlarm: Alarm;
  readonly errorsAlarm: Alarm;
  readonly throttlesAlarm: Alarm;
  readonly onFailureQueueAlarm: Alarm;
  readonly outputWriteFailuresAlarm: Alarm;
  readonly deadLetterWriteFailuresAlarm: Alarm;
  readonly unseenFeatureAlarm: Alarm;
  /** Present only with a shadow model: it failed to load or to score rides. */
  readonly shadowFailuresAlarm: Alarm | undefined;
  readonly dashboard: Dashboard;
  /** Present only when an alarm e-mail was given. */
  readonly alarmTopic: Topic | undefined;

  constructor(scope: Construct, id: string, props: ScoringMonitoringProps) {
    super(scope, id);
    const fn = props.scoring.function;
    const appMetric = (metricName: string, statistic = 'Sum'): Metric =>
      new Metric({
        namespace: props.metricsNamespace,
        metricName,
        dimensionsMap: { [SERVICE_DIMENSION]: props.serviceName },
        statistic,
        period: ALARM_PERIOD,
      });

    const iteratorAge = fn.metric('IteratorAge', { statistic: 'Maximum', period: ALARM_PERIOD });
    const errors = fn.metricErrors({ statistic: 'Sum', period: ALARM_PERIOD });
    const throttles = fn.metricThrottles({ statistic: 'Sum', period: ALARM_PERIOD });
    const queueDepth = props.scoring.onFailureQueue.metricApproximateNumberOfMessagesVisible({
      statistic: 'Maximum',
      period: ALARM_PERIOD,
    });
    const outputWriteFailures = appMetric(METRIC.outputWriteFailures);
    const deadLetterWriteFailures = appMetric(METRIC.deadLetterWriteFailures);

    this.iteratorAgeAlarm = new Alarm(this, 'IteratorAgeAlarm', {
      alarmDescription:
        'The function is falling behind the input stream: the oldest unprocessed ride is older than ' +
        `${props.iteratorAgeThreshold.toHumanString()}. Check errors and throttles; raise parallelizationFactor or shards.`,
      metric: iteratorAge,
      threshold: props.iteratorAgeThreshold.toMilliseconds(),
      comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
    this.errorsAlarm = this.anyInPeriod('ErrorsAlarm', errors,
      'The function failed whole invocations (model load, configuration or an unhandled error); the batch is retried. See the function log group.',
    );
    this.throttlesAlarm = this.anyInPeriod('ThrottlesAlarm', throttles,
      'Lambda throttled the function (account or reserved concurrency reached); the shard waits.',
    );
    this.onFailureQueueAlarm = this.anyInPeriod('OnFailureQueueAlarm', queueDepth,
      'A batch exhausted its retries or maximum record age and was skipped; the queue message names the shard and sequence range to replay.',
    );
    this.outputWriteFailuresAlarm = this.anyInPeriod('OutputWriteFailuresAlarm', outputWriteFailures,
      'Predictions could not be written to the output stream after in-handler retries; those records are retried by Lambda (at-least-once).',
    );
    this.deadLetterWriteFailuresAlarm = this.anyInPeriod('DeadLetterWriteFailuresAlarm', deadLetterWriteFailures,
      'Poison records could not be stored in the dead-letter bucket (permissions, KMS or S3 errors); they are reported as failures and retried instead of dropped.',
    );
    // The share weighted by rides, over the period (an average of per-batch shares would weight a
    // batch of 1 ride like a batch of 10,000).
    const unseenShare = new MathExpression({
      expression: '100 * unseen / MAX([predicted, 1])',
      usingMetrics: { unseen: appMetric(METRIC.unseenFeatureValues), predicted: appMetric(METRIC.recordsPredicted) },
      label: 'rides with unseen feature values (%)',
      period: ALARM_PERIOD,
    });
    this.unseenFeatureAlarm = new Alarm(this, 'UnseenFeatureValuesAlarm', {
      alarmDescription:
        `More than ${props.unseenFeatureAlarmPercent} % of predicted rides carry a feature value the model never saw (an unknown location pair or id), ` +
        `for ${DRIFT_EVALUATION_PERIODS * ALARM_PERIOD.toMinutes()} minutes: the rides have drifted from the training data. The function log samples the values; retrain the model.`,
      metric: unseenShare,
      threshold: props.unseenFeatureAlarmPercent,
      comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: DRIFT_EVALUATION_PERIODS,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
    const shadowFailures = new MathExpression({
      expression: 'loads + rides',
      usingMetrics: { loads: appMetric(METRIC.shadowLoadFailures), rides: appMetric(METRIC.shadowScoringFailures) },
      label: 'shadow load + scoring failures',
      period: ALARM_PERIOD,
    });
    this.shadowFailuresAlarm = props.shadow
      ? this.anyInPeriod(
          'ShadowFailuresAlarm',
          shadowFailures,
          'The shadow model failed to load or could not score rides (a field only it reads, an error): its comparison is incomplete. ' +
            'The output is not affected. See the function log ("Shadow model …").',
        )
      : undefined;
    const alarms = [
      this.iteratorAgeAlarm,
      this.errorsAlarm,
      this.throttlesAlarm,
      this.onFailureQueueAlarm,
      this.outputWriteFailuresAlarm,
      this.deadLetterWriteFailuresAlarm,
      this.unseenFeatureAlarm,
      ...(this.shadowFailuresAlarm === undefined ? [] : [this.shadowFailuresAlarm]),
    ];

    this.alarmTopic = props.alarmEmail === undefined ? undefined : this.createTopic(props.alarmEmail);
    if (this.alarmTopic !== undefined) {
      const action: IAlarmAction = new SnsAction(this.alarmTopic);
      for (const alarm of alarms) {
        alarm.addAlarmAction(action);
        alarm.addOkAction(action);
      }
    }

    const minute = Duration.minutes(1);
    this.dashboard = new Dashboard(this, 'Dashboard', {
      defaultInterval: Duration.hours(3),
    });
    this.dashboard.addWidgets(
      new TextWidget({
        markdown: `# ${Stack.of(this).stackName}\nRide events in, predictions out. Alarms are explained in the README (Deploying and operating on AWS, Alarms).`,
        width: 24,
        height: 2,
      }),
    );
    this.dashboard.addWidgets(
      new GraphWidget({
        title: 'Throughput (records per minute)',
        width: 12,
        left: [
          props.inputStream.metricIncomingRecords({ statistic: 'Sum', period: minute, label: 'input stream' }),
          appMetric(METRIC.recordsIn).with({ period: minute, label: 'records in' }),
          appMetric(METRIC.recordsPredicted).with({ period: minute, label: 'predicted' }),
          appMetric(METRIC.recordsDeadLettered).with({ period: minute, label: 'dead-lettered' }),
          props.outputStream.metricIncomingRecords({ statistic: 'Sum', period: minute, label: 'output stream' }),
        ],
      }),
      new GraphWidget({
        title: 'Latency',
        width: 12,
        left: [
          fn.metricDuration({ statistic: 'p50', period: minute, label: 'duration p50 (ms)' }),
          fn.metricDuration({ statistic: 'p99', period: minute, label: 'duration p99 (ms)' }),
          appMetric(METRIC.modelLoadMs, 'Maximum').with({ period: minute, label: 'model load (ms, cold start)' }),
        ],
        right: [iteratorAge.with({ period: minute, label: 'iterator age max (ms)' })],
      }),
    );
    this.dashboard.addWidgets(
      new GraphWidget({
        title: 'Failures',
        width: 12,
        left: [
          errors.with({ period: minute, label: 'errors' }),
          throttles.with({ period: minute, label: 'throttles' }),
          outputWriteFailures.with({ period: minute, label: 'output write failures' }),
          deadLetterWriteFailures.with({ period: minute, label: 'dead-letter write failures' }),
        ],
        right: [queueDepth.with({ period: minute, label: 'on-failure queue depth' })],
      }),
      new AlarmStatusWidget({ title: 'Alarms', width: 12, alarms }),
    );
    this.dashboard.addWidgets(
      new GraphWidget({
        title: 'Drift: rides with feature values the model never saw',
        width: 12,
        left: [unseenShare.with({ period: minute })],
        leftYAxis: { min: 0, max: 100, label: '%' },
      }),
    );
    if (props.shadow) this.addShadowWidgets(props, shadowFailures, minute);
  }

  /**
   * The shadow's comparison: its difference metrics carry the shadow's version as a dimension,
   * unknown at deploy time, so the widgets SEARCH for every version (one line per candidate).
   */
  private addShadowWidgets(props: ScoringMonitoringProps, failures: MathExpression, period: Duration): void {
    const search = (metricName: string, statistic: string, label: string): MathExpression =>
      new MathExpression({
        expression: `SEARCH('{${props.metricsNamespace},${SERVICE_DIMENSION},${SHADOW_VERSION_DIMENSION}} MetricName="${metricName}" ${SERVICE_DIMENSION}="${props.serviceName}"', '${statistic}', ${period.toSeconds()})`,
        label,
        period,
      });
    this.dashboard.addWidgets(
      new GraphWidget({
        title: 'Shadow vs production: prediction differences (minutes, shadow − main)',
        width: 12,
        left: [
          search(METRIC.shadowMeanAbsDiff, 'Average', 'mean |difference|'),
          search(METRIC.shadowMeanSignedDiff, 'Average', 'mean difference'),
          search(METRIC.shadowP95AbsDiff, 'Maximum', 'p95 |difference| (max of batches)'),
        ],
      }),
      new GraphWidget({
        title: 'Shadow: rides compared and failures',
        width: 12,
        left: [search(METRIC.shadowRidesCompared, 'Sum', 'rides compared')],
        right: [failures.with({ period })],
      }),
    );
  }

  /**
   * An alarm on any occurrence within one period (a failed invocation, a throttle, a skipped batch,
   * a failed write): each one is worth a look, and missing data means none happened.
   */
  private anyInPeriod(id: string, metric: IMetric, alarmDescription: string): Alarm {
    return new Alarm(this, id, {
      alarmDescription,
      metric,
      threshold: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
  }

  /** An SNS topic encrypted with its own key, which CloudWatch alarms may use to publish. */
  private createTopic(email: string): Topic {
    const key = new Key(this, 'AlarmTopicKey', {
      description: 'Encrypts the ride-duration alarm notifications topic.',
      enableKeyRotation: true,
      // SNS keeps no messages at rest: nothing needs this key after the topic is gone.
      removalPolicy: RemovalPolicy.DESTROY,
      pendingWindow: Duration.days(7),
    });
    key.addToResourcePolicy(
      new PolicyStatement({
        sid: 'AllowCloudWatchAlarmsToPublish',
        principals: [new ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
        // In a key policy "*" means this key and nothing else.
        resources: ['*'],
        conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(this).account } },
      }),
    );
    const topic = new Topic(this, 'AlarmTopic', {
      displayName: 'Ride duration stream alarms',
      masterKey: key,
      enforceSSL: true,
    });
    topic.addSubscription(new EmailSubscription(email));
    return topic;
  }
}
