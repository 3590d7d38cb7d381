package io.litewake.bench;

/**
 * One workload of {@link Bench}: it runs on the {@link Rig} with the sizes of the {@link
 * BenchOptions} and adds its rows to the {@link Results}.
 */
interface Workload {
  /** Measures and adds the rows. */
  void run(BenchOptions opt, Rig rig, Results results) throws Exception;
}
