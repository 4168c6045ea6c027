/**
 * LSQR (Paige & Saunders 1982), a line-for-line port of `scipy.sparse.linalg.lsqr` (scipy 1.10),
 * so that the same tolerances stop at the same iteration scipy does. sklearn's
 * `LinearRegression` on sparse input calls it with scipy's defaults (atol = btol = 1e-6,
 * conlim = 1e8, iter_lim = 2n) and so stops before full convergence; Ridge's `lsqr` solver uses
 * `damp = √alpha`.
 */
import { SolverError } from './errors.js';
import { norm2 } from './sparse.js';
import type { LinearOperator, SolveResult } from './types.js';

/** scipy's defaults, which sklearn's `LinearRegression` uses unchanged. */
export const LSQR_DEFAULTS = { atol: 1e-6, btol: 1e-6, conlim: 1e8 } as const;

/** scipy's `istop` messages, indexed by code. */
export const LSQR_STOP_REASONS = [
  'the exact solution is x = 0',
  'Ax - b is small enough, given atol, btol',
  'the least-squares solution is good enough, given atol',
  'the estimate of cond(Abar) has exceeded conlim',
  'Ax - b is small enough for this machine',
  'the least-squares solution is good enough for this machine',
  'cond(Abar) seems to be too large for this machine',
  'the iteration limit has been reached',
] as const;

export interface LsqrOptions {
  readonly damp?: number;
  readonly atol?: number;
  readonly btol?: number;
  readonly conlim?: number;
  /** Default 2 × columns, as scipy. */
  readonly iterLimit?: number;
}

const EPS = 2 ** -52;

function symOrtho(a: number, b: number): [number, number, number] {
  if (b === 0) return [Math.sign(a), 0, Math.abs(a)];
  if (a === 0) return [0, Math.sign(b), Math.abs(b)];
  if (Math.abs(b) > Math.abs(a)) {
    const tau = a / b;
    const s = Math.sign(b) / Math.sqrt(1 + tau * tau);
    const c = s * tau;
    return [c, s, b / s];
  }
  const tau = b / a;
  const c = Math.sign(a) / Math.sqrt(1 + tau * tau);
  const s = c * tau;
  return [c, s, a / c];
}

function scale(alpha: number, v: Float64Array): void {
  for (let i = 0; i < v.length; i++) v[i] = alpha * (v[i] as number);
}

/**
 * Solves min ‖Ax − b‖² + damp²‖x‖² from x0 = 0.
 *
 * @example
 * const { x, stopReason } = lsqr(operator, y); // scipy's defaults
 */
export function lsqr(A: LinearOperator, b: Float64Array, options: LsqrOptions = {}): SolveResult {
  if (b.length !== A.rows) throw new SolverError(`lsqr: b has ${b.length} entries but A has ${A.rows} rows`);
  const damp = options.damp ?? 0;
  const atol = options.atol ?? LSQR_DEFAULTS.atol;
  const btol = options.btol ?? LSQR_DEFAULTS.btol;
  const conlim = options.conlim ?? LSQR_DEFAULTS.conlim;
  const iterLimit = options.iterLimit ?? 2 * A.cols;
  if (!(damp >= 0) || !(atol >= 0) || !(btol >= 0)) throw new SolverError('lsqr: damp, atol and btol must be >= 0');

  const n = A.cols;
  let itn = 0;
  let istop = 0;
  const ctol = conlim > 0 ? 1 / conlim : 0;
  let anorm = 0;
  let acond = 0;
  const dampsq = damp * damp;
  let ddnorm = 0;
  let res2 = 0;
  let xnorm = 0;
  let xxnorm = 0;
  let z = 0;
  let cs2 = -1;
  let sn2 = 0;

  let u: Float64Array = Float64Array.from(b);
  const bnorm = norm2(b);
  const x = new Float64Array(n);
  let beta = bnorm;
  let v: Float64Array;
  let alfa: number;
  if (beta > 0) {
    scale(1 / beta, u);
    v = A.rmatvec(u);
    alfa = norm2(v);
  } else {
    v = new Float64Array(n);
    alfa = 0;
  }
  if (alfa > 0) scale(1 / alfa, v);
  const w: Float64Array = Float64Array.from(v);

  let rhobar = alfa;
  let phibar = beta;
  let rnorm = beta;
  let arnorm = alfa * beta;
  if (arnorm === 0) {
    return { x, iterations: 0, stopCode: 0, stopReason: LSQR_STOP_REASONS[0], converged: true, normalEquationResidual: 0 };
  }

  while (itn < iterLimit) {
    itn++;
    // beta·u = A·v − alfa·u ; alfa·v = Aᵀ·u − beta·v
    const Av = A.matvec(v);
    for (let i = 0; i < Av.length; i++) Av[i] = (Av[i] as number) - alfa * (u[i] as number);
    u = Av;
    beta = norm2(u);
    if (beta > 0) {
      scale(1 / beta, u);
      anorm = Math.sqrt(anorm * anorm + alfa * alfa + beta * beta + dampsq);
      const Atu = A.rmatvec(u);
      for (let i = 0; i < Atu.length; i++) Atu[i] = (Atu[i] as number) - beta * (v[i] as number);
      v = Atu;
      alfa = norm2(v);
      if (alfa > 0) scale(1 / alfa, v);
    }

    let rhobar1: number;
    let psi: number;
    if (damp > 0) {
      rhobar1 = Math.sqrt(rhobar * rhobar + dampsq);
      const cs1 = rhobar / rhobar1;
      const sn1 = damp / rhobar1;
      psi = sn1 * phibar;
      phibar = cs1 * phibar;
    } else {
      rhobar1 = rhobar;
      psi = 0;
    }

    const [cs, sn, rho] = symOrtho(rhobar1, beta);
    const theta = sn * alfa;
    rhobar = -cs * alfa;
    const phi = cs * phibar;
    phibar = sn * phibar;
    const tau = sn * phi;

    const t1 = phi / rho;
    const t2 = -theta / rho;
    // dk = w / rho; ddnorm += ‖dk‖²
    let dk2 = 0;
    const invRho = 1 / rho;
    for (let i = 0; i < n; i++) {
      const wi = w[i] as number;
      const d = invRho * wi;
      dk2 += d * d;
      x[i] = (x[i] as number) + t1 * wi;
      w[i] = (v[i] as number) + t2 * wi;
    }
    const dkNorm = Math.sqrt(dk2); // scipy adds np.linalg.norm(dk)**2
    ddnorm += dkNorm * dkNorm;

    const delta = sn2 * rho;
    const gambar = -cs2 * rho;
    const rhs = phi - delta * z;
    const zbar = rhs / gambar;
    xnorm = Math.sqrt(xxnorm + zbar * zbar);
    const gamma = Math.sqrt(gambar * gambar + theta * theta);
    cs2 = gambar / gamma;
    sn2 = theta / gamma;
    z = rhs / gamma;
    xxnorm += z * z;

    acond = anorm * Math.sqrt(ddnorm);
    const res1 = phibar * phibar;
    res2 += psi * psi;
    rnorm = Math.sqrt(res1 + res2);
    arnorm = alfa * Math.abs(tau);

    const test1 = rnorm / bnorm;
    const test2 = arnorm / (anorm * rnorm + EPS);
    const test3 = 1 / (acond + EPS);
    const t1b = test1 / (1 + (anorm * xnorm) / bnorm);
    const rtol = btol + (atol * anorm * xnorm) / bnorm;

    if (itn >= iterLimit) istop = 7;
    if (1 + test3 <= 1) istop = 6;
    if (1 + test2 <= 1) istop = 5;
    if (1 + t1b <= 1) istop = 4;
    if (test3 <= ctol) istop = 3;
    if (test2 <= atol) istop = 2;
    if (test1 <= rtol) istop = 1;
    if (istop !== 0) break;
  }
  const reason = LSQR_STOP_REASONS[istop] ?? `istop ${istop}`;
  return { x, iterations: itn, stopCode: istop, stopReason: reason, converged: istop !== 7, normalEquationResidual: arnorm };
}
