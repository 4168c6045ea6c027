/**
 * What `npm start` prints: the run's summary and, with `--keep-running`, how to reach the services.
 * Plain functions returning text, so tests can read them.
 */
import { relative } from 'node:path';
import { describeInputs } from '../lambda/model/contract/index.js';
import { LOCAL_CREDENTIALS } from './constants.js';
import type { PipelineEndpoints, PipelineSummary } from './pipeline.js';
import type { ShadowComparison } from './shadow-comparison.js';

const integer = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const n = (value: number): string => integer.format(value);
const shown = (file: string): string => {
  const rel = relative(process.cwd(), file);
  return rel.startsWith('..') ? file : rel;
};

/** The summary block; the last line says whether every record is accounted for. */
export function formatSummary(summary: PipelineSummary): string {
  const lines: string[] = [];
  const row = (label: string, value: string): void => {
    lines.push(`  ${label.padEnd(15)} ${value}`);
  };
  const model = summary.model;
  lines.push('Local pipeline summary');
  row('input', `${shown(summary.input)} (${n(summary.producedRides)} rides, ${n(summary.producedPoison)} poison)`);
  row(
    'model',
    model
      ? `${summary.modelLocation}: ${model.regressor}, ${n(model.featureCount)} features` +
          `${model.sklearnVersion ? `, sklearn ${model.sklearnVersion}` : ''}` +
          `${summary.modelLoadMs === undefined ? '' : `, loaded in ${n(summary.modelLoadMs)} ms`}`
      : `${summary.modelLocation} (not loaded)`,
  );
  if (summary.contract !== undefined) {
    row('contract', describeInputs(summary.contract));
  }
  row('mapping', `${summary.shards} shard(s), batch size ${summary.batchSize}, ${n(summary.mapping.invocations)} invocations`);
  lines.push('');
  const width = Math.max(...[summary.produced, summary.predicted, summary.deadLettered].map((v) => n(v).length));
  const count = (value: number): string => n(value).padStart(width);
  row('produced', count(summary.produced) + (summary.produceFailed ? `  (${n(summary.produceFailed)} refused by PutRecords)` : ''));
  const expectedPredictions = summary.producedRides - summary.invalidRides;
  row('predicted', `${count(summary.predicted)}  of ${n(expectedPredictions)} valid rides`);
  const kinds = Object.entries(summary.deadLetterKinds)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([kind, value]) => `${kind} ${n(value)}`)
    .join(', ');
  const expectedLetters = summary.producedPoison + summary.invalidRides;
  row('dead-lettered', `${count(summary.deadLettered)}  of ${n(expectedLetters)} poison${kinds ? ` (${kinds})` : ''}`);
  const { unseen } = summary;
  row(
    'unseen values',
    `${count(unseen.rides)}  rides scored with a value the model never saw` +
      `${summary.predicted > 0 ? ` (${((100 * unseen.rides) / summary.predicted).toFixed(1)} %)` : ''}` +
      `${unseen.sample.length > 0 ? `, e.g. ${unseen.sample.join(', ')}` : ''}`,
  );
  row('duplicates', `${count(summary.duplicates)}  (at-least-once re-deliveries)`);
  row('missing', count(summary.missing));
  if (summary.misrouted > 0) row('misrouted', count(summary.misrouted));
  if (summary.unexpected > 0) row('unexpected', count(summary.unexpected));
  const { latencyMs } = summary;
  row(
    'latency',
    latencyMs
      ? `p50 ${n(latencyMs.p50)} ms, p95 ${n(latencyMs.p95)} ms, p99 ${n(latencyMs.p99)} ms (put → prediction read)`
      : 'no predictions read',
  );
  row('throughput', `${n(summary.throughput)} records/s end to end (put at ${n(summary.produceRate)}/s)`);
  const m = summary.mapping;
  row(
    'retries',
    `${n(m.partialFailures)} partial failures, ${n(m.functionErrors)} function errors, ${n(m.retries)} retries, ` +
      `${n(m.bisections)} bisections, ${n(m.batchesSentToOnFailure)} batches to on-failure (${n(m.recordsSentToOnFailure)} records)`,
  );
  for (const failure of summary.onFailure.slice(0, 5)) {
    const info = failure.KinesisBatchInfo;
    lines.push(
      `    on-failure: ${info.shardId} ${info.batchSize} record(s) from ${info.startSequenceNumber} after ` +
        `${failure.requestContext.approximateInvokeCount} attempts: ${failure.lastError}`,
    );
  }
  if (summary.onFailure.length > 5) lines.push(`    … and ${n(summary.onFailure.length - 5)} more on-failure batches`);
  row('model version', summary.versions.length > 0 ? summary.versions.join(', ') : (model?.version ?? 'unknown'));
  row('wall time', `${(summary.durationMs / 1000).toFixed(1)} s`);
  if (summary.shadow !== undefined) lines.push('', formatShadowComparison(summary.shadow));
  lines.push('');
  if (summary.ok) {
    lines.push('OK: every record is accounted for (valid rides predicted, poison dead-lettered, none missing).');
  } else {
    lines.push('FAILED: not every record is accounted for:');
    for (const problem of summary.problems) lines.push(`  - ${problem}`);
    const missing = summary.outcomes.filter((o) => o.status !== 'predicted' && o.status !== 'dead-lettered').slice(0, 5);
    for (const outcome of missing) {
      lines.push(`    ${outcome.status}: key ${outcome.key} (${outcome.source}, expected ${outcome.expected})`);
    }
  }
  return lines.join('\n');
}

const minutes = (value: number): string => (Number.isFinite(value) ? value.toFixed(3) : '-');

/**
 * The shadow table: each model's RMSE and MAE (minutes) against the actual durations of the rides
 * of 1–60 minutes, how many rides each scored, and the mean absolute difference between them.
 */
export function formatShadowComparison(comparison: ShadowComparison): string {
  const header = ['model', 'version', 'scored', 'evaluated', 'RMSE', 'MAE'];
  const rows = comparison.models.map((m) => [m.role, m.version, n(m.scored), n(m.evaluated), minutes(m.rmse), minutes(m.mae)]);
  const widths = header.map((title, i) => Math.max(title.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: readonly string[]): string => `  ${cells.map((cell, i) => (i < 2 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  ')}`;
  const lines = [
    `Shadow comparison (${comparison.location}; RMSE and MAE in minutes against actual durations, rides of 1–60 min)`,
    line(header),
    ...rows.map(line),
    `  mean |shadow − main| ${minutes(comparison.meanAbsoluteDifference)} min over ${n(comparison.models[1]?.scored ?? 0)} rides scored by both; ` +
      `${n(comparison.scoringFailures)} shadow scoring failures`,
  ];
  if (comparison.loadError !== undefined) lines.push(`  the shadow model did not load: ${comparison.loadError}`);
  return lines.join('\n');
}

/** Endpoints and copy-paste commands for using the running services by hand. */
export function formatEndpoints(endpoints: PipelineEndpoints, input: string): string {
  const { kinesisEndpoint: k, s3Endpoint: s } = endpoints;
  const awsEnv = `AWS_ACCESS_KEY_ID=${LOCAL_CREDENTIALS.accessKeyId} AWS_SECRET_ACCESS_KEY=${LOCAL_CREDENTIALS.secretAccessKey} AWS_REGION=${endpoints.region}`;
  return [
    'Services are still running (Ctrl-C to stop):',
    `  Kinesis (kinesalite)  ${k}   streams: ${endpoints.inputStream} → ${endpoints.outputStream}`,
    `  S3 (s3rver)           ${s}   model: ${endpoints.modelLocation}   dead letters: s3://${endpoints.deadLetterBucket}/${endpoints.deadLetterPrefix}`,
    '',
    'The event-source mapping keeps feeding the handler; try, in another terminal:',
    `  npm run --silent cli -- tail --stream ${endpoints.outputStream} --endpoint ${k} --from trim-horizon`,
    `  npm run --silent cli -- produce --stream ${endpoints.inputStream} --endpoint ${k} --input ${shown(input)} --count 100 --rate 20`,
    `  export ${awsEnv}   # for the AWS CLI`,
    `  aws --endpoint-url ${k} kinesis describe-stream-summary --stream-name ${endpoints.inputStream}`,
    `  aws --endpoint-url ${s} s3 ls s3://${endpoints.deadLetterBucket}/ --recursive`,
    '',
    'Handler environment:',
    ...Object.entries(endpoints.environment).map(([name, value]) => `  ${name}=${value}`),
  ].join('\n');
}
