/**
 * Powertools Metrics whose EMF documents are captured instead of printed, so tests can assert the
 * values an invocation published.
 */
import { Metrics } from '@aws-lambda-powertools/metrics';
import { vi } from 'vitest';

export function capturedMetrics(): { metrics: Metrics; published: Array<Record<string, unknown>> } {
  const metrics = new Metrics({ namespace: 'RideDurationStream', serviceName: 'ride-duration-stream' });
  const published: Array<Record<string, unknown>> = [];
  vi.spyOn(metrics, 'publishStoredMetrics').mockImplementation(() => {
    published.push(metrics.serializeMetrics() as unknown as Record<string, unknown>);
    metrics.clearMetrics();
    return metrics;
  });
  return { metrics, published };
}
