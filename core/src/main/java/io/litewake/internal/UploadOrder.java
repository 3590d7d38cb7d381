package io.litewake.internal;

import java.util.ArrayList;
import java.util.List;

/** The order in which spooled objects are uploaded. Stateless. */
final class UploadOrder {
  private UploadOrder() {}

  /**
   * Orders the uploads so that a snapshot never reaches the store before a spooled WAL segment of
   * its generation at or below its index: a snapshot read while a checkpoint was copying frames is
   * only consistent together with those frames, and a restore between the two uploads would
   * otherwise find the snapshot alone.
   */
  static List<Spool.Entry> snapshotsAfterTheirWal(List<Spool.Entry> pending) {
    List<Spool.Entry> out = new ArrayList<>(pending);
    List<Spool.Entry> held = new ArrayList<>();
    for (Spool.Entry e : pending) {
      if (!isSnapshot(e.key())) {
        continue;
      }
      String gen = generationOf(e.key());
      long idx = indexOf(e.key());
      boolean later = pending.stream().anyMatch(w -> w.seq() > e.seq() && w.key().contains("/wal/")
          && gen != null && gen.equals(generationOf(w.key())) && indexOf(w.key()) <= idx);
      if (later) {
        out.remove(e);
        held.add(e);
      }
    }
    out.addAll(held);
    return out;
  }

  static boolean isSnapshot(String key) {
    return key.contains("/snapshots/");
  }

  static long indexOf(String key) {
    String name = key.substring(key.lastIndexOf('/') + 1);
    int end = name.indexOf(name.contains("_") ? '_' : '.');
    try {
      return Long.parseLong(name.substring(0, end), 16);
    } catch (RuntimeException e) {
      return Long.MAX_VALUE;
    }
  }

  static String generationOf(String key) {
    if (!key.startsWith(Layout.GENERATIONS)) {
      return null;
    }
    int end = key.indexOf('/', Layout.GENERATIONS.length());
    return end < 0 ? null : key.substring(Layout.GENERATIONS.length(), end);
  }
}
