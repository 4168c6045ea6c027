/**
 * Powertools Metrics whose EMF documents are captured instead of printed.
 */
import { Metrics } from '@aws-lambda-powertools/metrics';
import { vi } from 'vitest';

/** A `Metrics` whose every `publishStoredMetrics()` appends its document (metrics and dimensions) to `published`. */
export function capturedMetrics(): { metrics: Metrics; published: Array<Record<string, unknown>> } {
  const metrics = new Metrics({ namespace: 'RideDurationStream', serviceName: 'ride-duration-stream' });
  const published: Array<Record<string, unknown>> = [];
  vi.spyOn(metrics, 'publishStoredMetrics').mockImplementation(() => {
    published.push(metrics.serializeMetrics() as unknown as Record<string, unknown>);
    metrics.clearMetrics();
    metrics.clearDimensions(); // as Powertools does after a flush
    return metrics;
  });
  return { metrics, published };
}
