package io.litewake.bench;

/**
 * One workload of {@link Bench}: it runs on the {@link Rig} with the sizes of the {@link
 * BenchOptions} and adds its rows to the {@link Results}.
 */
abstract class Workload {
  final BenchOptions opt;
  final Rig rig;
  private final Results results;

  Workload(BenchOptions opt, Rig rig, Results results) {
    this.opt = opt;
    this.rig = rig;
    this.results = results;
  }

  /** Measures and adds the rows. */
  abstract void run() throws Exception;

  /** Adds a table row and logs it. */
  final void add(String measure, String litewake, String litestream, String ratio) {
    results.add(measure, litewake, litestream, ratio);
  }

  /** Adds a chart row: Litewake's ratio, the target, Litestream's ratio (NaN: none). */
  final void chart(String label, double litewake, double target, double litestream) {
    results.chart(label, litewake, target, litestream);
  }
}
