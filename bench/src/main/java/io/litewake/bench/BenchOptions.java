package io.litewake.bench;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The command line of {@link Bench}: {@code --quick} sets smaller defaults, {@code --NAME N}
 * overrides one size, {@code --only a,b} picks workloads, {@code --jfr} and {@code --keep} keep
 * the work directory.
 */
final class BenchOptions {
  /** The sizes by name, in the order they are printed. */
  private final Map<String, Integer> sizes = new LinkedHashMap<>();
  private final boolean jfr;
  private final boolean keep;
  private final String only;

  BenchOptions(String[] args) {
    List<String> list = Arrays.asList(args);
    boolean quick = list.contains("--quick");
    jfr = list.contains("--jfr");
    keep = list.contains("--keep") || jfr;
    int o = list.indexOf("--only");
    only = o >= 0 && o + 1 < args.length ? args[o + 1] : null;
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
  }

  /** One size, by its name without the dashes ({@code rows}, {@code restore-mb}, ...). */
  int get(String name) {
    return sizes.get(name);
  }

  /** Whether the Litewake child JVMs are recorded with JFR into the work directory. */
  boolean jfr() {
    return jfr;
  }

  /** Whether the work directory is kept ({@code --keep}, or {@code --jfr} for its recordings). */
  boolean keep() {
    return keep;
  }

  /** The argument of {@code --only}, or null when every workload runs. */
  String only() {
    return only;
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
