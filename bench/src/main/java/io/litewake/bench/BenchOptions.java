package io.litewake.bench;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The command line of {@link Bench}: {@code --quick} sets smaller defaults, {@code --NAME N}
 * overrides one size, {@code --only a,b} picks workloads, {@code --jfr} and {@code --keep} keep
 * the work directory.
 *
 * @param sizes the sizes by name, in the order they are printed
 * @param jfr whether the Litewake child JVMs are recorded with JFR into the work directory
 * @param keep whether the work directory is kept ({@code --keep}, or {@code --jfr} for its recordings)
 * @param only the argument of {@code --only}, or null when every workload runs
 */
record BenchOptions(Map<String, Integer> sizes, boolean jfr, boolean keep, String only) {

  /** Reads the arguments; a size that is not a number fails. */
  static BenchOptions parse(String[] args) {
    List<String> list = Arrays.asList(args);
    boolean quick = list.contains("--quick");
    boolean jfr = list.contains("--jfr");
    int o = list.indexOf("--only");
    Map<String, Integer> sizes = new LinkedHashMap<>();
    sizes.put("rows", quick ? 10000 : 100000);
    sizes.put("runs", quick ? 1 : 5);
    sizes.put("paced", quick ? 1000 : 5000);
    sizes.put("idle-s", quick ? 10 : 60);
    sizes.put("lag", quick ? 8 : 40);
    sizes.put("syncs", quick ? 50 : 200);
    sizes.put("restore-mb", quick ? 20 : 100);
    sizes.put("restore-s", quick ? 8 : 40);
    sizes.put("restore-runs", quick ? 1 : 3);
    sizes.put("big-mb", quick ? 100 : 1024);
    for (int i = 0; i + 1 < args.length; i++) {
      if (args[i].startsWith("--") && sizes.containsKey(args[i].substring(2))) {
        sizes.put(args[i].substring(2), Integer.parseInt(args[i + 1]));
      }
    }
    return new BenchOptions(sizes, jfr, list.contains("--keep") || jfr,
        o >= 0 && o + 1 < args.length ? args[o + 1] : null);
  }

  /** One size, by its name without the dashes ({@code rows}, {@code restore-mb}, ...). */
  int get(String name) {
    return sizes.get(name);
  }

  /** Whether {@code workload} runs: always, unless {@code --only} leaves it out. */
  boolean runs(String workload) {
    return only == null || Arrays.asList(only.split(",")).contains(workload);
  }

  /** The sizes as a map prints them: {@code {rows=10000, runs=1, ...}}, in the run's log. */
  @Override
  public String toString() {
    return sizes.toString();
  }
}
