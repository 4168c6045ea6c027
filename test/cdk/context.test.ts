/** CDK context parsing and its documentation; no synthesis. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { App, Duration } from 'aws-cdk-lib';
import { describe, expect, it } from 'vitest';
import { CONTEXT_KEYS, propsFromContext } from '../../cdk/context.js';
import { ContextError } from '../../cdk/errors.js';
import { normalizePrefix, REPO_ROOT } from '../../cdk/stack.js';

const props = (context: Record<string, unknown>) => propsFromContext(new App({ context }).node);

describe('propsFromContext', () => {
  it('leaves every prop unset (stack defaults) without context', () => {
    expect(props({})).toEqual({});
  });

  it('turns -c strings into typed props', () => {
    const p = props({
      shardCount: '3',
      streamRetentionHours: '48',
      deployDefaultModel: 'FALSE',
      customerManagedKey: 'true',
      timeoutSeconds: '90',
      maxBatchingWindowSeconds: '0',
      maxRecordAgeSeconds: '600',
      startingPosition: 'TRIM_HORIZON',
      logRetentionDays: '14',
      alarmEmail: 'ops@example.com',
      runId: ' v2 ',
      unseenFeatureAlarmPercent: '12.5',
    });
    expect(p.unseenFeatureAlarmPercent).toBe(12.5);
    expect(p.shardCount).toBe(3);
    expect(p.streamRetention?.toHours()).toBe(48);
    expect(p.deployDefaultModel).toBe(false);
    expect(p.customerManagedKey).toBe(true);
    expect(p.timeout?.toSeconds()).toBe(90);
    expect(p.eventSource).toEqual({
      maxBatchingWindow: Duration.seconds(0),
      maxRecordAge: Duration.seconds(600),
      startingPosition: 'TRIM_HORIZON',
    });
    expect(p.logRetention).toBe(14);
    expect(p.alarmEmail).toBe('ops@example.com');
    expect(p.runId).toBe('v2');
  });

  it('accepts JSON values from cdk.json and ignores empty ones', () => {
    expect(props({ batchSize: 250, deployDefaultModel: false, modelKey: '' })).toEqual({
      eventSource: { batchSize: 250 },
      deployDefaultModel: false,
    });
  });

  it.each([
    ['shardCount', 'two', /shardCount="two"/],
    ['shardCount', '0', /shardCount/],
    ['parallelizationFactor', '11', /parallelizationFactor/],
    ['retryAttempts', '-1', /retryAttempts/],
    ['maxRecordAgeSeconds', '30', /maxRecordAgeSeconds/],
    ['logRetentionDays', '10', /retention periods: .*14/],
    ['logLevel', 'LOUD', /logLevel/],
    ['startingPosition', 'AT_TIMESTAMP', /startingPosition/],
    ['deployDefaultModel', 'maybe', /true or false/],
    ['modelSha256', 'abc', /64 hex digits/],
    ['alarmEmail', 'not-an-address', /alarmEmail/],
  ])('rejects %s=%s with an error naming the key', (key, value, message) => {
    const attempt = () => props({ [key]: value });
    expect(attempt).toThrow(ContextError);
    expect(attempt).toThrow(message);
  });
});

describe('several bad values', () => {
  it('are all named in one error, not one per synth', () => {
    const attempt = () => props({ memorySize: '1', batchSize: 'abc', shardCount: '3' });
    expect(attempt).toThrow('Invalid CDK context memorySize="1": expected an integer from 128 to 10240; batchSize="abc": expected an integer from 1 to 10000');
  });
});

describe('normalizePrefix', () => {
  it('matches the handler: no leading slash, exactly one trailing slash', () => {
    expect(normalizePrefix('dead-letters/')).toBe('dead-letters/');
    expect(normalizePrefix('/poison')).toBe('poison/');
    expect(normalizePrefix('')).toBe('');
  });
});

describe('README.md (operations)', () => {
  it('documents every context key', () => {
    const doc = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');
    for (const key of [...Object.keys(CONTEXT_KEYS), 'stackName']) {
      expect(doc, key).toContain(`\`${key}\``);
    }
  });
});
