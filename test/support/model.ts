/**
 * The real course model (`model-artifacts/lin_reg.bin`), loaded once per test file.
 */
import { fileURLToPath } from 'node:url';
import { loadModel, parseModelLocation } from '../../lambda/model/index.js';
import type { LoadedModel } from '../../lambda/model/types.js';

export const COURSE_MODEL_PATH = fileURLToPath(new URL('../../model-artifacts/lin_reg.bin', import.meta.url));
/** The course's anchor: lin_reg.bin on (130, 205, 3.66). */
export const COURSE_ANCHOR = { PULocationID: 130, DOLocationID: 205, trip_distance: 3.66, ride_duration: 12.78553032985699 } as const;

let course: Promise<LoadedModel> | undefined;

export function courseModel(): Promise<LoadedModel> {
  course ??= loadModel(parseModelLocation(COURSE_MODEL_PATH));
  return course;
}
