package io.litewake.spring.boot.autoconfigure;

import io.litewake.LitewakeException;
import io.litewake.Restore;
import io.litewake.RestoreResult;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.env.Environment;

/**
 * Runs before the application's {@code DataSource} exists: finds the database file, restores it
 * when it is missing and the replica holds one, or creates it in WAL mode on a first boot.
 * Stateless; runs once, on the thread creating the context.
 */
final class StartupPreparation {
  private static final Logger log = LoggerFactory.getLogger(StartupPreparation.class);

  private StartupPreparation() {}

  /** The database file: {@code litewake.database}, or the path of {@code spring.datasource.url}. */
  static Path database(LitewakeProperties props, Environment env) {
    Path db = props.getDatabase() != null ? props.getDatabase()
        : SqliteUrls.databaseFile(env.getProperty("spring.datasource.url"));
    return db.toAbsolutePath().normalize();
  }

  static LitewakeStartup prepare(LitewakeProperties props, Environment env, List<LitewakeRestoreCustomizer> customizers) {
    Path db = database(props, env);
    String replica = Masking.uri(props.replicaUri());
    String name = String.valueOf(db.getFileName());
    try {
      Files.createDirectories(db.getParent());
    } catch (IOException e) {
      throw new UncheckedIOException("litewake [" + name + "]: cannot create the directory of " + db + ": " + e, e);
    }
    RestoreResult restore = null;
    if (props.isRestoreOnStartup()) {
      if (Files.exists(db)) {
        restore = RestoreResult.skipped(db, RestoreResult.SkipReason.DATABASE_EXISTS, Duration.ZERO);
        log.info("litewake [{}]: {} exists; no restore", name, db);
      } else {
        Restore r = Restore.from(props.replicaUri()).to(db).ifDatabaseMissing().ifReplicaExists();
        if (props.getRestoreIntegrityCheck() != null) {
          r.integrityCheck(props.getRestoreIntegrityCheck());
        }
        customizers.forEach(c -> c.customize(r));
        restore = r.run();
        // Restore logs what it restored, or why it skipped, itself
        if (restore.restored()) {
          log.debug("litewake [{}]: restored {} from {} (generation {}, {} objects, {} bytes) in {} ms", name, db,
              replica, restore.generation().orElse("?"), restore.objects(), restore.downloadedBytes(),
              restore.elapsed().toMillis());
        } else {
          log.debug("litewake [{}]: nothing to restore from {} ({})", name, replica,
              restore.skipped().map(Enum::name).orElse("skipped"));
        }
      }
    }
    boolean created = false;
    if (!Files.exists(db)) {
      createInWalMode(db, name);
      created = true;
      log.info("litewake [{}]: created {} in WAL mode (first boot)", name, db);
    }
    return new LitewakeStartup(db, replica, restore, created);
  }

  /** A new, empty database in WAL mode (the setting persists in the file). */
  private static void createInWalMode(Path db, String name) {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("PRAGMA journal_mode=WAL")) {
      String mode = rs.next() ? rs.getString(1) : null;
      if (!"wal".equalsIgnoreCase(mode)) {
        throw new LitewakeException("litewake [" + name + "]: cannot put the new database " + db
            + " in WAL mode (journal_mode is " + mode + ")");
      }
    } catch (SQLException e) {
      throw new LitewakeException("litewake [" + name + "]: cannot create the database " + db + ": "
          + e.getMessage(), e);
    }
  }
}
