/**
 * The Lambda invocation context of a local invocation (the event-source mapping's and `invoke`'s),
 * in a file of its own: `invoke` needs it without the mapping's Kinesis client.
 */
import { randomUUID } from 'node:crypto';
import type { Context } from 'aws-lambda';

import { EventSourceMappingError } from './errors.js';

/** A Lambda-like invocation context whose remaining time counts down from the function timeout. */
export function createInvocationContext(functionName: string, region: string, timeoutMs: number): Context {
  const deadline = Date.now() + timeoutMs;
  const requestId = randomUUID();
  const unsupported = (): never => {
    throw new EventSourceMappingError('callback-style context methods are not supported');
  };
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:${region}:000000000000:function:${functionName}`,
    memoryLimitInMB: '512',
    awsRequestId: requestId,
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: `${new Date().toISOString().slice(0, 10).replaceAll('-', '/')}/[$LATEST]${requestId.replaceAll('-', '')}`,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: unsupported,
    fail: unsupported,
    succeed: unsupported,
  };
}
