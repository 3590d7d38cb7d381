package io.litewake.examples.springboot;

import static org.assertj.core.api.Assertions.assertThat;

import io.litewake.Replicator;
import io.litewake.spring.boot.autoconfigure.LitewakeStartup;
import io.litewake.testkit.ReplicaTesting;
import io.litewake.testkit.S3Extension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

/**
 * The whole life of the application, started as a real process would start it (properties only):
 * it writes orders; it is stopped and its database directory deleted; started again, it serves
 * every synced order from its first request, after Flyway migrated the restored database; then a
 * second instance takes over the replica and the first one's health turns DOWN.
 */
class RestoreOnBootTest {
  @RegisterExtension static final S3Extension s3 = S3Extension.create();
  @TempDir Path dir;

  private ConfigurableApplicationContext start(Path dataDir, String... extra) {
    List<String> args = new ArrayList<>(List.of("--server.port=0",
        "--spring.datasource.url=jdbc:sqlite:" + dataDir.resolve("orders.db"),
        "--litewake.replica=" + s3.uri("orders"),
        "--litewake.sync-interval=100ms", "--litewake.fencing-check-interval=200ms"));
    args.addAll(List.of(extra));
    return new SpringApplicationBuilder(OrdersApplication.class).run(args.toArray(String[]::new));
  }

  private static Http http(ConfigurableApplicationContext app) {
    return new Http(Integer.parseInt(app.getEnvironment().getProperty("local.server.port")));
  }

  @Test
  void ordersSurviveTheLossOfTheDiskAndAnotherInstanceTakesOver() throws Exception {
    Path dataA = dir.resolve("a/data");
    // first boot: nothing to restore; Flyway (V1, V2) runs on the database Litewake created
    try (ConfigurableApplicationContext first = start(dataA)) {
      assertThat(first.getBean(LitewakeStartup.class).createdDatabase()).isTrue();
      Http http = http(first);
      for (int i = 1; i <= 20; i++) {
        assertThat(http.post("/orders", "{\"item\":\"order-" + i + "\",\"quantity\":" + i + "}").status())
            .isEqualTo(201);
      }
      first.getBean(Replicator.class).sync(); // every order is in the replica
    }
    deleteTree(dataA); // the container and its disk are gone
    assertThat(dataA).doesNotExist();

    // second boot, of the next release (one more migration): restored before the DataSource opened
    // it, then Flyway applied V3 to the restored database
    try (ConfigurableApplicationContext second = start(dataA,
        "--spring.flyway.locations=classpath:db/migration,classpath:db/release2")) {
      Http http = http(second);
      JsonNode orders = http.get("/orders").json(); // the first request served
      assertThat(orders.size()).isEqualTo(20);
      assertThat(orders.path(19).path("item").asString()).isEqualTo("order-20");
      assertThat(second.getBean(JdbcClient.class).sql("SELECT count(*) FROM orders WHERE note = ''")
          .query(Long.class).single()).as("V3 ran on the restored rows").isEqualTo(20);
      LitewakeStartup startup = second.getBean(LitewakeStartup.class);
      assertThat(startup.restore()).get().satisfies(r -> assertThat(r.restored()).isTrue());
      assertThat(startup.createdDatabase()).isFalse();

      // the migration is replicated like any write
      Replicator replicator = second.getBean(Replicator.class);
      replicator.sync();
      assertThat(migrationsIn(ReplicaTesting.restoreToTemp(s3.uri("orders")))).containsExactly("1", "2", "3");

      Http.Response health = http.get("/actuator/health");
      assertThat(health.status()).isEqualTo(200);
      JsonNode litewake = health.json().path("components").path("litewake");
      assertThat(litewake.path("status").asString()).isEqualTo("UP");
      assertThat(litewake.path("details").path("position").asString())
          .isEqualTo(replicator.status().position().toString());
      assertThat(litewake.path("details").has("lastUpload")).isTrue();

      // another instance (a blue/green deploy) restores the replica and takes it over
      try (ConfigurableApplicationContext other = start(dir.resolve("b/data"),
          "--spring.flyway.locations=classpath:db/migration,classpath:db/release2")) {
        assertThat(http(other).get("/orders").json().size()).isEqualTo(20);
        other.getBean(Replicator.class).sync();
        Http.await(Duration.ofSeconds(20), "the first instance sees that it was taken over", () -> {
          http.post("/orders", "{\"item\":\"late\",\"quantity\":1}");
          return http.get("/actuator/health").status() == 503;
        });
        JsonNode down = http.get("/actuator/health").json().path("components").path("litewake");
        assertThat(down.path("status").asString()).isEqualTo("DOWN");
        assertThat(down.path("details").path("fenced").asBoolean()).isTrue();
        assertThat(down.path("details").path("reason").asString()).contains("another instance took over");
        assertThat(http(other).get("/actuator/health").json().path("components").path("litewake")
            .path("status").asString()).isEqualTo("UP");
      }
    }
  }

  private static List<String> migrationsIn(Path db) throws Exception {
    List<String> versions = new ArrayList<>();
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT version FROM flyway_schema_history WHERE success = 1 ORDER BY installed_rank")) {
      while (rs.next()) {
        versions.add(rs.getString(1));
      }
    }
    return versions;
  }

  private static void deleteTree(Path d) throws Exception {
    try (var walk = Files.walk(d)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
