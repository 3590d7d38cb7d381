package io.litewake.spring.boot.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The database file of a {@code jdbc:sqlite:} URL, and masked replica URIs. */
class SqliteUrlsTest {
  @Test
  void findsTheFileOfEveryFileUrlForm() {
    assertThat(SqliteUrls.databaseFile("jdbc:sqlite:/data/app.db")).isEqualTo(Path.of("/data/app.db"));
    assertThat(SqliteUrls.databaseFile("jdbc:sqlite:data/app.db")).isEqualTo(Path.of("data/app.db"));
    assertThat(SqliteUrls.databaseFile("jdbc:sqlite:/data/app.db?journal_mode=WAL&busy_timeout=5000"))
        .isEqualTo(Path.of("/data/app.db"));
    assertThat(SqliteUrls.databaseFile("JDBC:SQLITE:/data/app.db")).isEqualTo(Path.of("/data/app.db"));
    assertThat(SqliteUrls.databaseFile("jdbc:sqlite:file:/data/my%20app.db?cache=shared")).isEqualTo(Path.of("/data/my app.db"));
    assertThat(SqliteUrls.databaseFile("jdbc:sqlite:file:///data/app.db")).isEqualTo(Path.of("/data/app.db"));
    assertThat(SqliteUrls.databaseFile("jdbc:sqlite:file://localhost/data/app.db")).isEqualTo(Path.of("/data/app.db"));
    assertThat(SqliteUrls.databaseFile("jdbc:sqlite:file:data/app.db")).isEqualTo(Path.of("data/app.db"));
  }

  @Test
  void refusesWhatIsNoFileDatabaseNamingTheUrl() {
    for (String url : new String[] {"jdbc:sqlite::memory:", "jdbc:sqlite:", "jdbc:sqlite:file::memory:?cache=shared",
        "jdbc:sqlite:file:x?mode=memory", "jdbc:sqlite::resource:db/app.db"}) {
      assertThatThrownBy(() -> SqliteUrls.databaseFile(url)).hasMessageContaining("(" + url + ")")
          .hasMessageContaining("set litewake.database");
    }
    assertThatThrownBy(() -> SqliteUrls.databaseFile(null)).hasMessageContaining("spring.datasource.url");
    assertThatThrownBy(() -> SqliteUrls.databaseFile("jdbc:h2:mem:x")).hasMessageContaining("not a jdbc:sqlite: URL");
    assertThatThrownBy(() -> SqliteUrls.databaseFile("jdbc:sqlite::memory:?password=hush"))
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("hush"));
  }

  @Test
  void masksSecretsInReplicaUris() {
    assertThat(Masking.uri(URI.create("s3://b/p?endpoint=http://h:9000&access-key=AKIA1&secret-access-key=s3cr3t")))
        .isEqualTo("s3://b/p?endpoint=http://h:9000&access-key=****&secret-access-key=****");
    assertThat(Masking.uri(URI.create("s3://user:pw@b/p"))).isEqualTo("s3://****@b/p");
    assertThat(Masking.uri(URI.create("file:///data/replica"))).isEqualTo("file:///data/replica");
  }
}
