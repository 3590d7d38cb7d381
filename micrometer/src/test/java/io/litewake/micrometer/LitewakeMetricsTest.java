package io.litewake.micrometer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.litewake.Replicator;
import io.litewake.Restore;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The meters of a real replicator on a {@code file:} replica, read from a SimpleMeterRegistry. */
class LitewakeMetricsTest {
  @TempDir Path dir;

  @Test
  void countsUploadsBytesGenerationsAndSyncsAndGaugesFollowTheStatus() throws Exception {
    Path db = dir.resolve("orders.db");
    Path replicaDir = Files.createDirectories(dir.resolve("replica"));
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    LitewakeMetrics metrics = LitewakeMetrics.create(List.of(Tag.of("app", "shop")));
    try (Connection app = create(db);
        Replicator r = Replicator.of(db).to(replicaDir.toUri()).syncInterval(Duration.ofMillis(50))
            .listener(metrics.listener()).start()) {
      metrics.monitor(r).bindTo(registry);
      String replica = r.status().replicas().get(0).location();
      insert(app, 20);
      r.sync();

      assertThat(registry.getMeters()).extracting(m -> m.getId().getName()).contains(LitewakeMetrics.LAG,
          LitewakeMetrics.PENDING, LitewakeMetrics.UPLOADS, LitewakeMetrics.UPLOAD_BYTES,
          LitewakeMetrics.GENERATIONS, LitewakeMetrics.SYNC, LitewakeMetrics.FENCED);
      for (Meter m : registry.getMeters()) {
        assertThat(m.getId().getTag("database")).as("%s", m.getId()).isEqualTo("orders.db");
        assertThat(m.getId().getTag("app")).isEqualTo("shop");
      }
      // the first snapshot went up during start(), before the registry was bound: counted anyway
      assertThat(uploads(registry, "snapshot", "success")).isGreaterThanOrEqualTo(1);
      assertThat(uploads(registry, "wal", "success")).isGreaterThanOrEqualTo(1);
      assertThat(uploads(registry, "wal", "failure")).isZero();
      assertThat(registry.get(LitewakeMetrics.UPLOAD_BYTES).tag("kind", "wal").functionCounter().count()).isPositive();
      assertThat(registry.get(LitewakeMetrics.UPLOAD_BYTES).tag("kind", "snapshot").functionCounter().count()).isPositive();
      assertThat(registry.get(LitewakeMetrics.GENERATIONS).functionCounter().count()).isEqualTo(1);
      Timer sync = registry.get(LitewakeMetrics.SYNC).timer();
      assertThat(sync.count()).isEqualTo(1);
      assertThat(gauge(registry, LitewakeMetrics.LAG).getId().getTag("replica")).isEqualTo(replica);
      assertThat(gauge(registry, LitewakeMetrics.LAG).getId().getBaseUnit()).isEqualTo("seconds");
      assertThat(gauge(registry, LitewakeMetrics.PENDING).getId().getBaseUnit()).isEqualTo("bytes");
      assertThat(gauge(registry, LitewakeMetrics.LAG).value()).isZero();
      assertThat(gauge(registry, LitewakeMetrics.PENDING).value()).isZero();
      assertThat(gauge(registry, LitewakeMetrics.FENCED).value()).isZero();

      // outage: the replica directory is replaced by a file; the lag gauge moves, failures count
      Files.move(replicaDir, dir.resolve("away"));
      Files.writeString(replicaDir, "not a directory");
      insert(app, 20);
      await("lag grows during the outage", () -> gauge(registry, LitewakeMetrics.LAG).value() > 0.5);
      assertThat(gauge(registry, LitewakeMetrics.PENDING).value()).isPositive();
      await("failures counted", () -> uploads(registry, "wal", "failure") >= 1);

      Files.delete(replicaDir);
      Files.move(dir.resolve("away"), replicaDir);
      r.sync(Duration.ofSeconds(30));
      assertThat(sync.count()).isEqualTo(2);
      await("lag back to zero", () -> gauge(registry, LitewakeMetrics.LAG).value() == 0);
      assertThat(gauge(registry, LitewakeMetrics.PENDING).value()).isZero();
      assertThat(uploads(registry, "wal", "success")).isGreaterThanOrEqualTo(2);
    }
    metrics.close();
    assertThat(registry.getMeters()).isEmpty();
  }

  @Test
  void fencedGaugeTurnsToOneWhenAnotherWriterTakesOver() throws Exception {
    URI uri = Files.createDirectories(dir.resolve("replica")).toUri();
    Path blueDb = Files.createDirectories(dir.resolve("blue")).resolve("app.db");
    Path greenDb = Files.createDirectories(dir.resolve("green")).resolve("app.db");
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    LitewakeMetrics metrics = LitewakeMetrics.create();
    metrics.bindTo(registry); // bound before anything is monitored: registered by monitor()
    assertThat(registry.getMeters()).isEmpty();
    try (Connection blue = create(blueDb);
        Replicator b = Replicator.of(blueDb).to(uri).syncInterval(Duration.ofMillis(50))
            .fencingCheckInterval(Duration.ofMillis(100)).listener(metrics.listener()).start()) {
      metrics.monitor(b);
      insert(blue, 5);
      b.sync();
      assertThat(gauge(registry, LitewakeMetrics.FENCED).value()).isZero();
      Restore.from(uri).to(greenDb).run();
      try (Connection green = DriverManager.getConnection("jdbc:sqlite:" + greenDb);
          Replicator g = Replicator.of(greenDb).to(uri).syncInterval(Duration.ofMillis(50)).start()) {
        insert(green, 5);
        g.sync();
        await("blue is fenced", () -> {
          try {
            insert(blue, 1);
          } catch (SQLException e) {
            throw new AssertionError(e);
          }
          return gauge(registry, LitewakeMetrics.FENCED).value() == 1;
        });
      }
    } finally {
      metrics.close();
    }
  }

  @Test
  void misuseIsRefusedWithAMessage() throws Exception {
    assertThatThrownBy(() -> LitewakeMetrics.create(List.of(Tag.of("replica", "x"))))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'replica=x'");
    LitewakeMetrics metrics = LitewakeMetrics.create();
    assertThatThrownBy(() -> metrics.monitor(null)).isInstanceOf(NullPointerException.class);
    Path db = dir.resolve("x.db");
    try (Connection app = create(db);
        Replicator r = Replicator.of(db).to(Files.createDirectories(dir.resolve("rx")).toUri())
            .listener(metrics.listener()).start()) {
      metrics.monitor(r);
      assertThatThrownBy(() -> metrics.monitor(r)).isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("already monitor");
      MeterRegistry registry = new SimpleMeterRegistry();
      metrics.bindTo(registry);
      metrics.bindTo(registry); // twice: harmless
      int count = registry.getMeters().size();
      assertThat(count).isEqualTo(11); // 3 gauges, 4 upload counters, 2 byte counters, generations, sync
      metrics.close();
      metrics.close();
      assertThat(registry.getMeters()).isEmpty();
      assertThatThrownBy(() -> metrics.bindTo(registry)).isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("closed");
    }
  }

  private static double uploads(MeterRegistry registry, String kind, String outcome) {
    FunctionCounter c = registry.get(LitewakeMetrics.UPLOADS).tag("kind", kind).tag("outcome", outcome)
        .functionCounter();
    return c.count();
  }

  private static Gauge gauge(MeterRegistry registry, String name) {
    return registry.get(name).gauge();
  }

  private static Connection create(Path db) throws SQLException {
    Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
    try (Statement s = c.createStatement()) {
      s.execute("PRAGMA journal_mode=WAL");
      s.execute("CREATE TABLE IF NOT EXISTS orders(id INTEGER PRIMARY KEY, item TEXT NOT NULL)");
    }
    return c;
  }

  private static void insert(Connection c, int n) throws SQLException {
    try (Statement s = c.createStatement()) {
      for (int i = 0; i < n; i++) {
        s.executeUpdate("INSERT INTO orders(item) VALUES ('" + "x".repeat(100) + "')");
      }
    }
  }

  private static void await(String what, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not within 20 s: " + what);
      }
      Thread.sleep(10);
    }
  }
}
