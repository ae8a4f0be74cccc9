/** What queueing theory says about an M/M/c queue served first come, first served. */
export interface ErlangC {
  /** Offered load a = λ/μ, in erlangs. */
  readonly offeredLoad: number;
  /** Server utilisation ρ = λ/(cμ). */
  readonly utilisation: number;
  /** Probability that an arriving order waits at all, C(c, a). */
  readonly probabilityOfWait: number;
  /** Mean wait in queue W_q = C(c, a) / (cμ − λ), in the time unit of the rates. */
  readonly meanWait: number;
  /** Mean number of orders waiting, L_q = λ·W_q (Little). */
  readonly meanQueueLength: number;
}

/**
 * Erlang-C for `servers` couriers, arrival rate `lambda` and service rate `mu` per courier (same time
 * unit). Computed through the Erlang-B recursion B(k) = a·B(k−1) / (k + a·B(k−1)), which never forms
 * a^c or c! and so stays exact for hundreds of servers, then C = B / (1 − ρ(1 − B)).
 */
export function erlangC(lambda: number, mu: number, servers: number): ErlangC {
  if (!(lambda > 0) || !(mu > 0)) throw new RangeError(`rates must be positive, got λ=${lambda}, μ=${mu}`);
  if (!Number.isInteger(servers) || servers < 1)
    throw new RangeError(`servers must be a positive integer, got ${servers}`);
  const a = lambda / mu;
  const rho = a / servers;
  if (rho >= 1) throw new RangeError(`unstable queue: ρ = λ/(cμ) = ${rho.toFixed(3)} ≥ 1`);
  let b = 1;
  for (let k = 1; k <= servers; k++) b = (a * b) / (k + a * b);
  const c = b / (1 - rho * (1 - b));
  const meanWait = c / (servers * mu - lambda);
  return {
    offeredLoad: a,
    utilisation: rho,
    probabilityOfWait: c,
    meanWait,
    meanQueueLength: lambda * meanWait,
  };
}
