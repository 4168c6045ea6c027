import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MODEL_NAME, predictionEvent, predictionSerializer } from '../../lambda/ride/prediction.js';

describe('prediction event', () => {
  it('has the course shape, keys and nesting unchanged', () => {
    const event = predictionEvent('run-1', 256, 12.78553032985699);
    expect(event).toStrictEqual({
      model: 'ride_duration_prediction_model',
      version: 'run-1',
      prediction: { ride_duration: 12.78553032985699, ride_id: 256 },
    });
    expect(Object.keys(event)).toEqual(['model', 'version', 'prediction']);
    expect(Object.keys(event.prediction)).toEqual(['ride_duration', 'ride_id']);
    expect(MODEL_NAME).toBe('ride_duration_prediction_model');
  });

  it('serialises exactly as JSON.stringify of the event', () => {
    fc.assert(
      fc.property(
        fc.string(),
        fc.oneof(fc.maxSafeInteger(), fc.string({ unit: 'grapheme', minLength: 1, maxLength: 256 })),
        fc.double(),
        (version, rideId, duration) => {
          expect(predictionSerializer(version)(rideId, duration)).toBe(
            JSON.stringify(predictionEvent(version, rideId, duration)),
          );
        },
      ),
      { numRuns: 2_000 },
    );
  });
});
