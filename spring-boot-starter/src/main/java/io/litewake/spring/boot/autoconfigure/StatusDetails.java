package io.litewake.spring.boot.autoconfigure;

import io.litewake.Generation;
import io.litewake.ReplicaContents;
import io.litewake.ReplicaStatus;
import io.litewake.ReplicationStatus;
import io.litewake.RestoreResult;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Plain maps (strings, numbers, booleans) of Litewake's status for health details and the
 * actuator endpoint, so that any JSON mapper renders them alike. Stateless.
 */
final class StatusDetails {
  private StatusDetails() {}

  /** Position, lag, pending bytes, last upload, last error, fenced; each replica when several. */
  static Map<String, Object> of(ReplicationStatus st) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("database", st.database());
    m.put("replica", String.join(", ", st.replicas().stream().map(ReplicaStatus::location).toList()));
    m.put("position", st.position().toString());
    m.put("lag", st.lag().toString());
    m.put("pendingBytes", st.pendingBytes());
    st.replicas().stream().map(ReplicaStatus::lastUploadAt).flatMap(Optional::stream)
        .max(Comparator.naturalOrder()).ifPresent(t -> m.put("lastUpload", t.toString()));
    st.replicas().stream().map(ReplicaStatus::lastError).flatMap(Optional::stream).findFirst()
        .ifPresent(e -> m.put("lastError", e));
    m.put("fenced", st.fenced());
    if (st.replicas().size() > 1) {
      m.put("replicas", st.replicas().stream().map(StatusDetails::of).toList());
    }
    return m;
  }

  static Map<String, Object> of(ReplicaStatus r) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("location", r.location());
    r.replicatedPosition().ifPresent(p -> m.put("replicatedPosition", p.toString()));
    m.put("lag", r.lag().toString());
    m.put("pendingBytes", r.pendingBytes());
    r.lastUploadAt().ifPresent(t -> m.put("lastUpload", t.toString()));
    r.lastError().ifPresent(e -> m.put("lastError", e));
    m.put("fenced", r.fenced());
    return m;
  }

  static Map<String, Object> of(LitewakeStartup startup) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("database", startup.database().toString());
    m.put("createdDatabase", startup.createdDatabase());
    startup.restore().ifPresent(r -> m.put("restore", of(r)));
    return m;
  }

  static Map<String, Object> of(RestoreResult r) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("restored", r.restored());
    r.skipped().ifPresent(s -> m.put("skipped", s.name()));
    r.generation().ifPresent(g -> m.put("generation", g));
    r.index().ifPresent(i -> m.put("index", i));
    r.offset().ifPresent(o -> m.put("offset", o));
    r.pointInTime().ifPresent(t -> m.put("pointInTime", t.toString()));
    r.databaseBytes().ifPresent(b -> m.put("databaseBytes", b));
    if (r.restored()) {
      m.put("objects", r.objects());
      m.put("downloadedBytes", r.downloadedBytes());
    }
    m.put("elapsed", r.elapsed().toString());
    return m;
  }

  /** The generations of a replica, newest first, with their snapshots, WAL segments and time span. */
  static Map<String, Object> of(ReplicaContents c) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("location", c.location());
    List<Map<String, Object>> gens = new ArrayList<>();
    List<Generation> sorted = new ArrayList<>(c.generations());
    sorted.sort(Comparator.comparing(Generation::updatedAt).reversed());
    for (Generation g : sorted) {
      Map<String, Object> gm = new LinkedHashMap<>();
      gm.put("id", g.id());
      gm.put("snapshots", g.snapshots().size());
      gm.put("walSegments", g.walSegments().size());
      gm.put("bytes", g.snapshots().stream().mapToLong(s -> s.size()).sum()
          + g.walSegments().stream().mapToLong(w -> w.size()).sum());
      gm.put("lastIndex", g.lastIndex());
      gm.put("createdAt", g.createdAt().toString());
      gm.put("updatedAt", g.updatedAt().toString());
      gens.add(gm);
    }
    m.put("generations", gens);
    c.latest().map(Generation::updatedAt).map(Instant::toString).ifPresent(t -> m.put("latestAt", t));
    if (!c.ignoredKeys().isEmpty()) {
      m.put("ignoredKeys", c.ignoredKeys().size());
    }
    return m;
  }
}
