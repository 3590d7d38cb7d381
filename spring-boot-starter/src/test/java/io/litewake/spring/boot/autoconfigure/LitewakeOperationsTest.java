package io.litewake.spring.boot.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import io.litewake.ReplicationListener;
import io.litewake.Replicator;
import io.litewake.Restore;
import io.litewake.micrometer.LitewakeMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.JdbcTemplateAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;

/** Properties, health, meters and the endpoint of the starter, on real databases and replicas. */
@SuppressWarnings("unchecked")
class LitewakeOperationsTest {
  @TempDir Path dir;

  private ApplicationContextRunner runner(Path db, URI replica) {
    return new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(LitewakeAutoConfiguration.class, LitewakeMetricsAutoConfiguration.class,
            LitewakeHealthAutoConfiguration.class, LitewakeEndpointAutoConfiguration.class,
            DataSourceAutoConfiguration.class, JdbcTemplateAutoConfiguration.class, MetricsAutoConfiguration.class,
            CompositeMeterRegistryAutoConfiguration.class, SimpleMetricsExportAutoConfiguration.class))
        .withPropertyValues("spring.datasource.url=jdbc:sqlite:" + db, "litewake.replica=" + replica,
            "litewake.sync-interval=50ms", "management.endpoints.web.exposure.include=health,litewake");
  }

  private URI replicaDir(String name) throws Exception {
    return Files.createDirectories(dir.resolve(name)).toUri();
  }

  @Test
  void builderOptionsComeFromTheProperties() throws Exception {
    Path db = dir.resolve("data/app.db");
    Path replica = dir.resolve("replica");
    Path spool = dir.resolve("spool");
    runner(db, replicaDir("replica")).withPropertyValues("litewake.compression=lz4",
        "litewake.spool-directory=" + spool, "litewake.spool-limit=64MB", "litewake.snapshot-interval=1h",
        "litewake.retention=2h", "litewake.sync-timeout=20s", "litewake.close-timeout=5s",
        "litewake.fencing-check-interval=1s", "litewake.min-checkpoint-pages=100",
        "litewake.max-checkpoint-pages=2000", "litewake.snapshot-wal-ratio=2.5", "litewake.snapshot-wal-objects=100",
        "litewake.restore-integrity-check=quick").run(ctx -> {
          assertThat(ctx).hasNotFailed();
          LitewakeProperties p = ctx.getBean(LitewakeProperties.class);
          assertThat(p.getSnapshotWalRatio()).isEqualTo(2.5);
          assertThat(p.getSnapshotWalObjects()).isEqualTo(100);
          assertThat(p.getRestoreIntegrityCheck()).isEqualTo(io.litewake.IntegrityCheck.QUICK);
          assertThat(p.getSpoolLimit().toMegabytes()).isEqualTo(64);
          assertThat(p.getSyncInterval()).isEqualTo(Duration.ofMillis(50));
          JdbcTemplate jdbc = ctx.getBean(JdbcTemplate.class);
          jdbc.execute("CREATE TABLE t (x)");
          jdbc.update("INSERT INTO t VALUES (1)");
          ctx.getBean(Replicator.class).sync();
          assertThat(spool).isDirectory();
        });
    try (var files = Files.walk(replica)) {
      List<String> objects = files.filter(Files::isRegularFile).map(Path::toString)
          .filter(f -> f.contains("generations/")).toList();
      assertThat(objects).isNotEmpty().allMatch(f -> f.endsWith(".lz4"));
    }
  }

  @Test
  void theDatabaseComesFromLitewakeDatabaseOrTheDataSourceUrl() throws Exception {
    Path db = dir.resolve("elsewhere/own.db");
    runner(dir.resolve("ignored.db"), replicaDir("r1")).withPropertyValues("litewake.database=" + db).run(ctx -> {
      assertThat(ctx).hasNotFailed();
      assertThat(ctx.getBean(LitewakeStartup.class).database()).isEqualTo(db);
    });
    Path viaUri = dir.resolve("uri dir/app.db");
    runner(dir.resolve("x.db"), replicaDir("r2"))
        .withPropertyValues("spring.datasource.url=jdbc:sqlite:file:" + viaUri.toString().replace(" ", "%20") + "?cache=private")
        .run(ctx -> {
          assertThat(ctx).hasNotFailed();
          assertThat(ctx.getBean(LitewakeStartup.class).database()).isEqualTo(viaUri);
        });
    // a percent-encoded replica URI is taken as written, not encoded twice
    URI spaced = Files.createDirectories(dir.resolve("replica with space")).toUri();
    assertThat(spaced.toString()).contains("%20");
    runner(dir.resolve("y/app.db"), spaced).run(ctx -> {
      assertThat(ctx).hasNotFailed();
      assertThat(ctx.getBean(LitewakeProperties.class).getReplica()).isEqualTo(spaced.toString());
      ctx.getBean(Replicator.class).sync();
      assertThat(dir.resolve("replica with space/generations")).isDirectory();
    });
  }

  @Test
  void badSettingsFailTheStartWithAMessageNamingTheValue() throws Exception {
    Path db = dir.resolve("data/app.db");
    URI replica = replicaDir("replica");
    runner(db, replica).withPropertyValues("litewake.sync-interval=-1s").run(ctx ->
        assertThat(ctx).getFailure().rootCause().hasMessageContaining("litewake.sync-interval must be positive, was PT-1S"));
    runner(db, replica).withPropertyValues("litewake.spool-limit=0B").run(ctx ->
        assertThat(ctx).getFailure().rootCause().hasMessageContaining("litewake.spool-limit must be positive, was 0B"));
    runner(db, replica).withPropertyValues("litewake.replica=bucket/orders?secret-access-key=hush").run(ctx ->
        assertThat(ctx).getFailure().rootCause().hasMessageContaining("'bucket/orders?secret-access-key=****' has no scheme")
            .message().doesNotContain("hush"));
    runner(db, replica).withPropertyValues("litewake.snapshot-wal-ratio=0").run(ctx ->
        assertThat(ctx).getFailure().rootCause().hasMessageContaining("litewake.snapshot-wal-ratio must be a positive finite number (such as 0.5 or 4), was 0.0"));
    runner(db, replica).withPropertyValues("litewake.compression=brotli").run(ctx ->
        assertThat(ctx).getFailure().hasStackTraceContaining("brotli"));
    runner(db, replica).withPropertyValues("litewake.min-checkpoint-pages=500", "litewake.max-checkpoint-pages=100")
        .run(ctx -> assertThat(ctx).getFailure().hasStackTraceContaining("maxCheckpointPages (100)"));
    runner(db, replica).withPropertyValues("spring.datasource.url=jdbc:sqlite::memory:").run(ctx ->
        assertThat(ctx).getFailure().hasStackTraceContaining("spring.datasource.url (jdbc:sqlite::memory:) is not a database file")
            .hasStackTraceContaining("set litewake.database"));
    runner(db, replica).withPropertyValues("spring.datasource.url=jdbc:postgresql://db/app").run(ctx ->
        assertThat(ctx).getFailure().hasStackTraceContaining("(jdbc:postgresql://db/app) is not a jdbc:sqlite: URL"));
    runner(db, replica).withPropertyValues("litewake.health.max-lag=0s").run(ctx ->
        assertThat(ctx).getFailure().hasStackTraceContaining("litewake.health.max-lag must be positive, was PT0S"));
  }

  @Test
  void healthIsUpWithDetailsAndDownDuringAnOutageThenUpAgain() throws Exception {
    Path db = dir.resolve("data/app.db");
    Path replica = dir.resolve("replica");
    runner(db, replicaDir("replica")).withPropertyValues("litewake.health.max-lag=300ms",
        "litewake.health.max-failure-time=300ms").run(ctx -> {
          assertThat(ctx).hasNotFailed();
          HealthIndicator health = ctx.getBean("litewakeHealthIndicator", HealthIndicator.class);
          JdbcTemplate jdbc = ctx.getBean(JdbcTemplate.class);
          jdbc.execute("CREATE TABLE t (x)");
          jdbc.update("INSERT INTO t VALUES (1)");
          ctx.getBean(Replicator.class).sync();
          Health up = health.health();
          assertThat(up.getStatus()).isEqualTo(Status.UP);
          assertThat(up.getDetails()).containsKeys("database", "replica", "position", "lag", "pendingBytes",
              "lastUpload", "fenced").doesNotContainKey("lastError");
          assertThat(up.getDetails().get("database")).isEqualTo("app.db");
          assertThat(up.getDetails().get("lag")).isEqualTo("PT0S");

          Files.move(replica, dir.resolve("away"));
          Files.writeString(replica, "not a directory");
          jdbc.update("INSERT INTO t VALUES (2)");
          Fixtures.await("DOWN during the outage", () -> health.health().getStatus().equals(Status.DOWN)
              && String.valueOf(health.health().getDetails().get("reason")).contains("have failed for"));
          Health down = health.health();
          assertThat(down.getDetails()).containsKeys("lastError", "failingSince");
          assertThat((String) down.getDetails().get("reason")).contains("exceeds litewake.health.max-lag PT0.3S");

          Files.delete(replica);
          Files.move(dir.resolve("away"), replica);
          ctx.getBean(Replicator.class).sync(Duration.ofSeconds(30));
          Fixtures.await("UP again", () -> health.health().getStatus().equals(Status.UP));
        });
  }

  @Test
  void healthIsDownOnceAnotherInstanceTakesOverTheReplica() throws Exception {
    Path db = dir.resolve("blue/app.db");
    URI replica = replicaDir("replica");
    runner(db, replica).withPropertyValues("litewake.fencing-check-interval=100ms").run(ctx -> {
      assertThat(ctx).hasNotFailed();
      HealthIndicator health = ctx.getBean("litewakeHealthIndicator", HealthIndicator.class);
      JdbcTemplate jdbc = ctx.getBean(JdbcTemplate.class);
      jdbc.execute("CREATE TABLE t (x)");
      jdbc.update("INSERT INTO t VALUES (1)");
      ctx.getBean(Replicator.class).sync();
      assertThat(health.health().getStatus()).isEqualTo(Status.UP);

      Path green = dir.resolve("green/app.db");
      Files.createDirectories(green.getParent());
      Restore.from(replica).to(green).run();
      try (Connection g = DriverManager.getConnection("jdbc:sqlite:" + green);
          Replicator other = Replicator.of(green).to(replica).start()) {
        g.createStatement().executeUpdate("INSERT INTO t VALUES (2)");
        other.sync();
        Fixtures.await("blue is fenced", () -> {
          jdbc.update("INSERT INTO t VALUES (3)");
          return health.health().getStatus().equals(Status.DOWN);
        });
        Health down = health.health();
        assertThat(down.getDetails()).containsEntry("fenced", true);
        assertThat((String) down.getDetails().get("reason")).contains("fenced: another instance took over");
      }
    });
  }

  @Test
  void metersAreRegisteredWhenMicrometerIsPresentAndNothingBreaksWithoutIt() throws Exception {
    Path db = dir.resolve("data/app.db");
    runner(db, replicaDir("replica")).run(ctx -> {
      assertThat(ctx).hasNotFailed().hasSingleBean(LitewakeMetrics.class);
      JdbcTemplate jdbc = ctx.getBean(JdbcTemplate.class);
      jdbc.execute("CREATE TABLE t (x)");
      jdbc.update("INSERT INTO t VALUES (1)");
      ctx.getBean(Replicator.class).sync();
      MeterRegistry registry = ctx.getBean(MeterRegistry.class);
      assertThat(registry.getMeters()).extracting(m -> m.getId().getName()).contains(LitewakeMetrics.LAG,
          LitewakeMetrics.PENDING, LitewakeMetrics.UPLOADS, LitewakeMetrics.UPLOAD_BYTES, LitewakeMetrics.GENERATIONS,
          LitewakeMetrics.SYNC, LitewakeMetrics.FENCED);
      assertThat(registry.get(LitewakeMetrics.UPLOADS).tag("database", "app.db").tag("kind", "snapshot")
          .tag("outcome", "success").functionCounter().count()).isGreaterThanOrEqualTo(1);
      assertThat(registry.get(LitewakeMetrics.SYNC).timer().count()).isEqualTo(1);
    });
    // an application without Micrometer: no Boot metrics, and Micrometer's classes hidden
    new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(LitewakeAutoConfiguration.class, LitewakeMetricsAutoConfiguration.class,
            LitewakeHealthAutoConfiguration.class, DataSourceAutoConfiguration.class))
        .withPropertyValues("spring.datasource.url=jdbc:sqlite:" + dir.resolve("data2/app.db"),
            "litewake.replica=" + replicaDir("replica2"))
        .withClassLoader(new FilteredClassLoader("io.micrometer.core")).run(ctx ->
            assertThat(ctx).hasNotFailed().hasSingleBean(Replicator.class).doesNotHaveBean(LitewakeMetrics.class)
                .hasSingleBean(LitewakeHealthIndicator.class));
    runner(dir.resolve("data3/app.db"), replicaDir("replica3"))
        .withClassLoader(new FilteredClassLoader(HealthIndicator.class)).run(ctx ->
            assertThat(ctx).hasNotFailed().hasSingleBean(Replicator.class).doesNotHaveBean(LitewakeHealthIndicator.class));
    runner(dir.resolve("data4/app.db"), replicaDir("replica4"))
        .withPropertyValues("management.health.litewake.enabled=false").run(ctx ->
            assertThat(ctx).hasNotFailed().doesNotHaveBean(LitewakeHealthIndicator.class));
  }

  @Test
  void theEndpointShowsTheStatusTheStartupAndWhatTheReplicaHolds() throws Exception {
    URI replica = Fixtures.seedReplica(dir, 4);
    runner(dir.resolve("data/app.db"), replica).run(ctx -> {
      assertThat(ctx).hasNotFailed();
      ctx.getBean(Replicator.class).sync();
      Map<String, Object> out = ctx.getBean(LitewakeEndpoint.class).litewake();
      assertThat(out).containsKeys("database", "replica", "status", "startup", "contents");
      assertThat((Map<String, Object>) out.get("status")).containsKeys("position", "lag", "pendingBytes", "replicas");
      assertThat((Map<String, Object>) out.get("startup")).containsEntry("createdDatabase", false)
          .extractingByKey("restore").asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.MAP)
          .containsEntry("restored", true);
      Map<String, Object> contents = (Map<String, Object>) out.get("contents");
      assertThat((List<?>) contents.get("generations")).hasSize(2); // the seed's and the application's
    });
    runner(dir.resolve("data2/app.db"), replicaDir("r2"))
        .withPropertyValues("management.endpoints.web.exposure.include=health").run(ctx ->
            assertThat(ctx).hasNotFailed().doesNotHaveBean(LitewakeEndpoint.class));
  }

  @Test
  void listenerBeansHearTheReplicator() throws Exception {
    runner(dir.resolve("data/app.db"), replicaDir("replica")).withUserConfiguration(Listening.class).run(ctx -> {
      assertThat(ctx).hasNotFailed();
      List<String> events = ctx.getBean(Listening.class).events;
      ctx.getBean(JdbcTemplate.class).execute("CREATE TABLE t (x)");
      ctx.getBean(Replicator.class).sync();
      assertThat(events).anyMatch(e -> e.startsWith("generation")).anyMatch(e -> e.startsWith("uploaded"))
          .contains("synced");
    });
  }

  @Configuration(proxyBeanMethods = false)
  static class Listening {
    final List<String> events = new CopyOnWriteArrayList<>();

    @Bean
    ReplicationListener recordingListener() {
      return new ReplicationListener() {
        @Override
        public void uploaded(String replica, String key, long bytes, boolean snapshot) {
          events.add("uploaded " + key);
        }

        @Override
        public void generationStarted(String generation, String reason) {
          events.add("generation " + generation);
        }

        @Override
        public void synced(Duration elapsed) {
          events.add("synced");
        }
      };
    }

    @Bean
    ReplicationListener throwingListener() {
      return new ReplicationListener() {
        @Override
        public void uploaded(String replica, String key, long bytes, boolean snapshot) {
          throw new IllegalStateException("a broken listener must not keep events from the others");
        }
      };
    }
  }
}
