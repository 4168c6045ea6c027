import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MODEL_NAME, predictionEncoder, predictionEvent, predictionSerializer } from '../../lambda/ride/prediction.js';
import { OutputBatch } from '../../lambda/sinks/output-batch.js';

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

  it('encodes into a byte buffer exactly the UTF-8 of the serialised event', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'grapheme' }),
        fc.array(fc.tuple(fc.oneof(fc.maxSafeInteger(), fc.nat({ max: 2 ** 31 }), fc.constantFrom(0, -0, 9, 10, 99, 100, 2 ** 31 - 1, 2 ** 31, -1), fc.string({ unit: 'grapheme', minLength: 1, maxLength: 256 })), fc.double()), { maxLength: 8 }),
        (version, rows) => {
          const batch = new OutputBatch(1); // forces growth
          const encoder = predictionEncoder(version);
          for (const [rideId, duration] of rows) batch.addEncoded(encoder, rideId, duration, String(rideId));
          rows.forEach(([rideId, duration], i) => {
            expect(Buffer.from(batch.data(i)).equals(Buffer.from(predictionSerializer(version)(rideId, duration), 'utf8'))).toBe(true);
          });
        },
      ),
      { numRuns: 1_000 },
    );
  });
});
