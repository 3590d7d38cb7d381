package io.litewake.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * What the workloads measured: the rows of the markdown table and of the chart, the log line of
 * each row as it comes, and the number formats they share.
 */
final class Results {
  private final List<String[]> table = new ArrayList<>();
  /** metric name, Litewake / Litestream (or / baseline), target. */
  private final List<Object[]> chart = new ArrayList<>();

  /** Adds a table row and logs it. */
  void add(String measure, String litewake, String litestream, String ratio) {
    table.add(new String[] {measure, litewake, litestream, ratio});
    log(measure + ": Litewake " + litewake + " | Litestream " + litestream + " | " + ratio);
  }

  /** Adds a chart row: Litewake's ratio, the target, Litestream's ratio (NaN: none). */
  void chart(String label, double litewake, double target, double litestream) {
    chart.add(new Object[] {label, litewake, target, litestream});
  }

  /** The chart rows, as {@link Chart#write} takes them. */
  List<Object[]> chartRows() {
    return chart;
  }

  /** Prints the table and the machine it ran on. */
  void printTable() {
    System.out.println();
    System.out.println("| measure | Litewake | Litestream v0.3.13 | Litewake / Litestream |");
    System.out.println("|---|---|---|---|");
    for (String[] t : table) {
      System.out.println("| " + String.join(" | ", t) + " |");
    }
    System.out.printf("%n%d cores, %s %s, Java %s; S3Proxy 4.1.0 (filesystem-nio2) on loopback%n",
        Runtime.getRuntime().availableProcessors(), System.getProperty("os.name"), System.getProperty("os.arch"),
        System.getProperty("java.version"));
  }

  static void log(String s) {
    System.out.printf(Locale.ROOT, "[bench %tT] %s%n", System.currentTimeMillis(), s);
  }

  static String ratio(double a, double b) {
    return b == 0 ? "-" : String.format(Locale.ROOT, "%.2f", a / b);
  }

  static String fmt(double d) {
    return String.format(Locale.ROOT, "%,.0f", d);
  }

  static String fmt1(double d) {
    return String.format(Locale.ROOT, "%,.1f", d);
  }

  static String kb(double bytes) {
    return String.format(Locale.ROOT, "%,.1f KB", bytes / 1000);
  }

  static double median(double[] v) {
    double[] c = v.clone();
    Arrays.sort(c);
    return c[c.length / 2];
  }

  static double pct(double[] sorted, int p) {
    int i = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
  }
}
