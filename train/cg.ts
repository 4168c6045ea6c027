/**
 * Conjugate gradients on the normal equations (CGLS): (AᵀA + alpha·I)x = Aᵀb without forming
 * AᵀA. Run to a tight tolerance it gives the converged least-squares solution, which scores a
 * little better than sklearn's early-stopped LSQR.
 */
import { SolverError } from './errors.js';
import { dot, norm2 } from './sparse.js';
import type { LinearOperator, SolveResult } from './types.js';

/** Relative normal-equation residual ‖Aᵀr − alpha·x‖ / ‖Aᵀb‖ at which CG stops by default. */
export const CG_DEFAULT_TOL = 1e-10;

export interface CgOptions {
  readonly alpha?: number;
  readonly tol?: number;
  /** Default 2 × columns. */
  readonly iterLimit?: number;
}

/**
 * Solves min ‖Ax − b‖² + alpha‖x‖² from x0 = 0.
 *
 * @example
 * const { x, iterations } = cgls(operator, y, { tol: 1e-10 });
 */
export function cgls(A: LinearOperator, b: Float64Array, options: CgOptions = {}): SolveResult {
  if (b.length !== A.rows) throw new SolverError(`cg: b has ${b.length} entries but A has ${A.rows} rows`);
  const alpha = options.alpha ?? 0;
  const tol = options.tol ?? CG_DEFAULT_TOL;
  const iterLimit = options.iterLimit ?? 2 * A.cols;
  if (!(alpha >= 0) || !(tol > 0)) throw new SolverError('cg: alpha must be >= 0 and tol > 0');

  const n = A.cols;
  const x = new Float64Array(n);
  const r = Float64Array.from(b); // r = b − Ax
  const s = A.rmatvec(r); // s = Aᵀr − alpha·x
  const p = Float64Array.from(s);
  const sNorm0 = norm2(s);
  let gamma = dot(s, s);
  if (sNorm0 === 0) {
    return { x, iterations: 0, stopCode: 0, stopReason: 'the exact solution is x = 0', converged: true, normalEquationResidual: 0 };
  }
  let itn = 0;
  let residual = sNorm0;
  while (itn < iterLimit) {
    itn++;
    const q = A.matvec(p);
    const denom = dot(q, q) + alpha * dot(p, p);
    if (!(denom > 0)) break;
    const step = gamma / denom;
    for (let i = 0; i < n; i++) x[i] = (x[i] as number) + step * (p[i] as number);
    for (let i = 0; i < r.length; i++) r[i] = (r[i] as number) - step * (q[i] as number);
    const sNew = A.rmatvec(r);
    if (alpha > 0) for (let i = 0; i < n; i++) sNew[i] = (sNew[i] as number) - alpha * (x[i] as number);
    const gammaNew = dot(sNew, sNew);
    residual = Math.sqrt(gammaNew);
    if (residual <= tol * sNorm0) {
      return {
        x,
        iterations: itn,
        stopCode: 1,
        stopReason: `normal-equation residual ‖Aᵀr‖ ≤ ${tol} · ‖Aᵀb‖`,
        converged: true,
        normalEquationResidual: residual,
      };
    }
    const ratio = gammaNew / gamma;
    gamma = gammaNew;
    for (let i = 0; i < n; i++) p[i] = (sNew[i] as number) + ratio * (p[i] as number);
  }
  return { x, iterations: itn, stopCode: 7, stopReason: 'the iteration limit has been reached', converged: false, normalEquationResidual: residual };
}
