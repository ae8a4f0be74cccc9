// jstat ships no type declarations; this declares the part of its API the planner uses.
declare module 'jstat' {
  interface StudentT {
    /** Quantile function of Student's t with `dof` degrees of freedom. */
    inv(p: number, dof: number): number;
  }
  interface JStat {
    readonly studentt: StudentT;
  }
  const jStat: { readonly jStat: JStat } & JStat;
  export default jStat;
}
