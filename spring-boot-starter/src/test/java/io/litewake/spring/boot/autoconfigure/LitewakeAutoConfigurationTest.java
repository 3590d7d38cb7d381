package io.litewake.spring.boot.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import io.litewake.Replicator;
import io.litewake.RestoreResult.SkipReason;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.BeansException;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.BeanFactoryAware;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.beans.factory.config.DestructionAwareBeanPostProcessor;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.flyway.autoconfigure.FlywayAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.JdbcTemplateAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The starter's ordering against the application's DataSource and Flyway, on real sqlite-jdbc
 * databases and a real {@code file:} replica: restore before the DataSource exists, replication
 * started before the first write, closed after the DataSource.
 */
class LitewakeAutoConfigurationTest {
  @TempDir Path dir;

  private final ApplicationContextRunner runner = new ApplicationContextRunner()
      .withConfiguration(AutoConfigurations.of(LitewakeAutoConfiguration.class, DataSourceAutoConfiguration.class,
          JdbcTemplateAutoConfiguration.class))
      .withUserConfiguration(Recording.class);

  @Test
  void doesNothingWhenTheReplicaIsNotSet() {
    Path db = dir.resolve("data/app.db");
    runner.withPropertyValues("spring.datasource.url=jdbc:sqlite:" + db).run(ctx -> {
      assertThat(ctx).hasNotFailed().doesNotHaveBean(Replicator.class).doesNotHaveBean(LitewakeStartup.class)
          .hasSingleBean(DataSource.class);
      assertThat(ctx.getBeanFactory().getBeanDefinition("dataSource").getDependsOn()).isNull();
    });
    runner.withPropertyValues("spring.datasource.url=jdbc:sqlite:" + db, "litewake.replica= ").run(ctx ->
        assertThat(ctx).hasNotFailed().doesNotHaveBean(Replicator.class));
    assertThat(db.getParent()).doesNotExist();
  }

  @Test
  void firstBootCreatesTheDatabaseInWalModeBeforeTheDataSource() throws Exception {
    Path db = dir.resolve("data/app.db");
    URI replica = Files.createDirectories(dir.resolve("replica")).toUri();
    AtomicReference<Recorder> recorder = new AtomicReference<>();
    runner.withPropertyValues("spring.datasource.url=jdbc:sqlite:" + db, "litewake.replica=" + replica).run(ctx -> {
      assertThat(ctx).hasNotFailed();
      recorder.set(ctx.getBean(Recorder.class));
      LitewakeStartup startup = ctx.getBean(LitewakeStartup.class);
      assertThat(startup.createdDatabase()).isTrue();
      assertThat(startup.database()).isEqualTo(db);
      assertThat(startup.restore()).get().satisfies(r -> assertThat(r.skipped()).contains(SkipReason.REPLICA_EMPTY));
      JdbcTemplate jdbc = ctx.getBean(JdbcTemplate.class);
      assertThat(jdbc.queryForObject("PRAGMA journal_mode", String.class)).isEqualTo("wal");
      jdbc.execute("CREATE TABLE orders (id INTEGER PRIMARY KEY, item TEXT NOT NULL, quantity INTEGER NOT NULL)");
      jdbc.update("INSERT INTO orders(item, quantity) VALUES ('first', 1)");
    });
    assertThat(recorder.get().events).containsSubsequence(
        "startup", "replicator", "dataSource created: database exists, replicator running",
        "destroy dataSource", "destroy litewakeReplicator");
    assertThat(Fixtures.restoredCount(replica, dir, "SELECT count(*) FROM orders")).isEqualTo(1);
  }

  @Test
  void restoresBeforeTheDataSourceOpensTheDatabaseAndClosesAfterIt() throws Exception {
    URI replica = Fixtures.seedReplica(dir, 30);
    Path db = dir.resolve("app/data/orders.db"); // not even its directory exists: a new container
    AtomicReference<Recorder> recorder = new AtomicReference<>();
    runner.withPropertyValues("spring.datasource.url=jdbc:sqlite:" + db + "?foreign_keys=on",
        "litewake.replica=" + replica).run(ctx -> {
          assertThat(ctx).hasNotFailed();
          recorder.set(ctx.getBean(Recorder.class));
          assertThat(ctx.getBeanFactory().getBeanDefinition("dataSource").getDependsOn())
              .contains(LitewakeAutoConfiguration.REPLICATOR_BEAN);
          LitewakeStartup startup = ctx.getBean(LitewakeStartup.class);
          assertThat(startup.createdDatabase()).isFalse();
          assertThat(startup.restore()).get().satisfies(r -> {
            assertThat(r.restored()).isTrue();
            assertThat(r.generation()).isPresent();
          });
          JdbcTemplate jdbc = ctx.getBean(JdbcTemplate.class);
          assertThat(jdbc.queryForObject("SELECT count(*) FROM orders", Long.class)).isEqualTo(30);
          for (int i = 0; i < 5; i++) {
            jdbc.update("INSERT INTO orders(item, quantity) VALUES ('late', 1)"); // no sync: close does it
          }
        });
    assertThat(recorder.get().events).containsSubsequence(
        "startup", "replicator", "dataSource created: database exists, replicator running",
        "destroy dataSource", "destroy litewakeReplicator");
    // the replicator's final sync came after the application's last write
    assertThat(Fixtures.restoredCount(replica, dir, "SELECT count(*) FROM orders")).isEqualTo(35);
  }

  @Test
  void customizersEncryptTheReplicaAndDecryptTheRestoreOnStartup() throws Exception {
    java.security.KeyPair kp = new com.exceptionfactory.jagged.x25519.X25519KeyPairGenerator().generateKeyPair();
    String recipient = kp.getPublic().toString();
    String identity = kp.getPrivate().toString();
    Path db = dir.resolve("data/secret.db");
    URI replica = Files.createDirectories(dir.resolve("replica")).toUri();
    ApplicationContextRunner app = runner.withPropertyValues("spring.datasource.url=jdbc:sqlite:" + db,
        "litewake.replica=" + replica);
    app.withBean(LitewakeReplicatorCustomizer.class, () -> b -> b.ageRecipients(recipient)).run(ctx -> {
      assertThat(ctx).hasNotFailed();
      JdbcTemplate jdbc = ctx.getBean(JdbcTemplate.class);
      jdbc.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)");
      jdbc.update("INSERT INTO notes(body) VALUES ('LITEWAKE-SPRING-SECRET')");
    });
    try (var files = Files.walk(Path.of(replica))) {
      for (Path f : files.filter(Files::isRegularFile).filter(f -> f.toString().contains("generations/")).toList()) {
        assertThat(new String(Files.readAllBytes(f), java.nio.charset.StandardCharsets.ISO_8859_1))
            .as("%s is an age file", f).startsWith("age-encryption.org/v1\n");
      }
    }
    Fixtures.deleteTree(db.getParent()); // the disk is lost
    app.run(ctx -> assertThat(ctx).getFailure().hasStackTraceContaining("is encrypted with age")
        .hasStackTraceContaining("ageIdentities"));
    assertThat(db).doesNotExist();
    app.withBean(LitewakeRestoreCustomizer.class, () -> r -> r.ageIdentities(identity))
        .withBean(LitewakeReplicatorCustomizer.class, () -> b -> b.ageRecipients(recipient)).run(ctx -> {
          assertThat(ctx).hasNotFailed();
          assertThat(ctx.getBean(LitewakeStartup.class).restore()).get().satisfies(r -> assertThat(r.restored()).isTrue());
          assertThat(ctx.getBean(JdbcTemplate.class).queryForObject("SELECT body FROM notes", String.class))
              .isEqualTo("LITEWAKE-SPRING-SECRET");
        });
  }

  @Test
  void flywayMigratesTheRestoredDatabaseAndTheMigrationIsReplicated() throws Exception {
    Path db = dir.resolve("data/shop.db");
    URI replica = Files.createDirectories(dir.resolve("replica")).toUri();
    ApplicationContextRunner flyway = runner.withConfiguration(AutoConfigurations.of(FlywayAutoConfiguration.class))
        .withPropertyValues("spring.datasource.url=jdbc:sqlite:" + db, "litewake.replica=" + replica);
    flyway.withPropertyValues("spring.flyway.locations=classpath:db/v1").run(ctx -> {
      assertThat(ctx).hasNotFailed();
      ctx.getBean(JdbcTemplate.class).update("INSERT INTO orders(item, quantity) VALUES ('before v2', 2)");
    });
    Fixtures.deleteTree(db.getParent()); // the disk is lost; the replica holds V1 and the order

    AtomicReference<Recorder> recorder = new AtomicReference<>();
    flyway.withPropertyValues("spring.flyway.locations=classpath:db/v1,classpath:db/v2").run(ctx -> {
      assertThat(ctx).hasNotFailed();
      recorder.set(ctx.getBean(Recorder.class));
      assertThat(ctx.getBean(LitewakeStartup.class).restore()).get()
          .satisfies(r -> assertThat(r.restored()).isTrue());
      JdbcTemplate jdbc = ctx.getBean(JdbcTemplate.class);
      // V2 ran on the restored database: the restored order got the new column's default
      assertThat(jdbc.queryForObject("SELECT status FROM orders WHERE item = 'before v2'", String.class))
          .isEqualTo("new");
      assertThat(jdbc.queryForList("SELECT version FROM flyway_schema_history WHERE success = 1 ORDER BY installed_rank",
          String.class)).containsExactly("1", "2");
    });
    assertThat(recorder.get().events).containsSubsequence("startup", "replicator",
        "dataSource created: database exists, replicator running", "flyway created: replicator running");
    assertThat(Fixtures.restoredCount(replica, dir, "SELECT count(*) FROM flyway_schema_history WHERE version = '2'"))
        .as("the migration reached the replica").isEqualTo(1);
  }

  @Test
  void restoreOnStartupFalseStartsAnEmptyDatabase() throws Exception {
    URI replica = Fixtures.seedReplica(dir, 3);
    Path db = dir.resolve("data/app.db");
    runner.withPropertyValues("spring.datasource.url=jdbc:sqlite:" + db, "litewake.replica=" + replica,
        "litewake.restore-on-startup=false").run(ctx -> {
          assertThat(ctx).hasNotFailed();
          LitewakeStartup startup = ctx.getBean(LitewakeStartup.class);
          assertThat(startup.restore()).isEmpty();
          assertThat(startup.createdDatabase()).isTrue();
          assertThat(ctx.getBean(JdbcTemplate.class).queryForObject(
              "SELECT count(*) FROM sqlite_master WHERE name = 'orders'", Long.class)).isZero();
        });
  }

  @Test
  void anExistingDatabaseIsKept() throws Exception {
    URI replica = Fixtures.seedReplica(dir, 3);
    Path db = dir.resolve("data/app.db");
    runner.withPropertyValues("spring.datasource.url=jdbc:sqlite:" + db, "litewake.replica=" + replica).run(ctx -> {
      assertThat(ctx).hasNotFailed();
      ctx.getBean(JdbcTemplate.class).update("INSERT INTO orders(item, quantity) VALUES ('mine', 1)");
    });
    runner.withPropertyValues("spring.datasource.url=jdbc:sqlite:" + db, "litewake.replica=" + replica).run(ctx -> {
      assertThat(ctx).hasNotFailed();
      assertThat(ctx.getBean(LitewakeStartup.class).restore()).get()
          .satisfies(r -> assertThat(r.skipped()).contains(SkipReason.DATABASE_EXISTS));
      assertThat(ctx.getBean(JdbcTemplate.class).queryForObject("SELECT count(*) FROM orders", Long.class)).isEqualTo(4);
    });
  }

  /** Records when the startup, the replicator and the database's users are created and destroyed. */
  @Configuration(proxyBeanMethods = false)
  static class Recording {
    @Bean
    static Recorder recorder() {
      return new Recorder();
    }
  }

  static final class Recorder implements DestructionAwareBeanPostProcessor, BeanFactoryAware {
    final List<String> events = new CopyOnWriteArrayList<>();
    private ConfigurableListableBeanFactory beanFactory;

    @Override
    public void setBeanFactory(BeanFactory beanFactory) {
      this.beanFactory = (ConfigurableListableBeanFactory) beanFactory;
    }

    @Override
    public Object postProcessBeforeInitialization(Object bean, String name) throws BeansException {
      boolean running = beanFactory.containsSingleton(LitewakeAutoConfiguration.REPLICATOR_BEAN);
      if (bean instanceof LitewakeStartup) {
        events.add("startup");
      } else if (bean instanceof Replicator) {
        events.add("replicator");
      } else if (bean instanceof DataSource) {
        LitewakeStartup startup = beanFactory.getBeanProvider(LitewakeStartup.class).getIfAvailable();
        if (startup == null) {
          events.add("dataSource created: litewake off");
          return bean;
        }
        // a stat, not an open: a descriptor opened and closed here would drop SQLite's locks
        events.add("dataSource created: database " + (Files.exists(startup.database()) ? "exists" : "missing")
            + ", replicator " + (running ? "running" : "not running"));
      } else if (bean instanceof Flyway) {
        events.add("flyway created: replicator " + (running ? "running" : "not running"));
      }
      return bean;
    }

    @Override
    public void postProcessBeforeDestruction(Object bean, String name) {
      events.add("destroy " + name);
    }

    @Override
    public boolean requiresDestruction(Object bean) {
      return bean instanceof DataSource || bean instanceof Replicator;
    }
  }
}
