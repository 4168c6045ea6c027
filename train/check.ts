/**
 * Full acceptance check (`npm run train:check`): trains on ../shared/data green January 2021,
 * validates on February, and compares with the scikit-learn 1.2.1 figures recorded in
 * test/fixtures/train/sklearn-reference.json (made by train/sklearn_reference.py). Exits 1 when the
 * validation RMSE is more than 1e-4 away, 0 otherwise; exits 0 with a notice when ../shared is absent.
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { readTrips } from './data.js';
import { trainModel } from './train.js';

const data = fileURLToPath(new URL('../../shared/data/', import.meta.url));
const jan = `${data}green_tripdata_2021-01.parquet`;
const feb = `${data}green_tripdata_2021-02.parquet`;
if (!existsSync(jan) || !existsSync(feb)) {
  console.log(`SKIP: ${data} not found (the full check needs the reference data next to the repo)`);
  process.exit(0);
}
const refs = JSON.parse(readFileSync(new URL('../test/fixtures/train/sklearn-reference.json', import.meta.url), 'utf8')) as Record<string, Record<string, number>>;
const ref = refs['green-2021-01_to_2021-02'] as Record<string, number>;
const [train, val] = await Promise.all([readTrips(jan), readTrips(feb)]);
let failed = false;
const rows: Array<[string, number, number, number]> = [];
const early = trainModel(train, val);
rows.push(['early-stopped (lsqr, tol 1e-6)', early.valRmse, ref['val_rmse'] as number, early.fit.solve.iterations]);
const converged = trainModel(train, val, { solver: 'cg', tol: 1e-12 });
rows.push(['converged (cg, tol 1e-12)', converged.valRmse, ref['converged_val_rmse'] as number, converged.fit.solve.iterations]);
for (const [name, ours, sklearn, iterations] of rows) {
  const diff = Math.abs(ours - sklearn);
  const ok = diff <= 1e-4;
  failed ||= !ok;
  console.log(`${ok ? 'OK  ' : 'FAIL'} ${name}: val RMSE ours ${ours} vs sklearn ${sklearn} (|diff| ${diff.toExponential(2)}, ${iterations} iterations)`);
}
console.log(`sklearn LinearRegression stops after ${ref['early_stop_iterations']} LSQR iterations; ours after ${early.fit.solve.iterations}.`);
process.exit(failed ? 1 : 0);
