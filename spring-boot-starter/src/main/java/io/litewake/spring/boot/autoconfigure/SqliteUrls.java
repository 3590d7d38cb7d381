package io.litewake.spring.boot.autoconfigure;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Locale;

/** Finds the database file of a {@code jdbc:sqlite:} URL as sqlite-jdbc reads it. Stateless. */
final class SqliteUrls {
  private static final String PREFIX = "jdbc:sqlite:";

  private SqliteUrls() {}

  /**
   * The database file of {@code url}.
   *
   * @throws IllegalStateException naming the URL when it is not a SQLite file database
   */
  static Path databaseFile(String url) {
    String hint = "; set litewake.database to the database file";
    if (url == null || url.isBlank()) {
      throw new IllegalStateException("litewake.database is not set and neither is spring.datasource.url"
          + hint + ", or spring.datasource.url to jdbc:sqlite:PATH");
    }
    if (!url.regionMatches(true, 0, PREFIX, 0, PREFIX.length())) {
      throw new IllegalStateException("litewake.database is not set and spring.datasource.url (" + Masking.text(url)
          + ") is not a jdbc:sqlite: URL" + hint);
    }
    String name = url.substring(PREFIX.length());
    boolean uri = name.regionMatches(true, 0, "file:", 0, 5);
    int q = name.indexOf('?');
    String query = q < 0 ? "" : name.substring(q + 1).toLowerCase(Locale.ROOT);
    if (q >= 0) {
      name = name.substring(0, q);
    }
    if (uri) {
      name = name.substring(5);
      if (name.startsWith("//")) { // file://host/path: sqlite accepts an empty host or localhost
        int slash = name.indexOf('/', 2);
        name = slash < 0 ? "" : name.substring(slash);
      }
      name = URLDecoder.decode(name.replace("+", "%2B"), StandardCharsets.UTF_8);
    }
    if (name.isEmpty() || name.equals(":memory:") || query.contains("mode=memory")
        || name.startsWith(":resource:")) {
      throw new IllegalStateException("litewake.database is not set and spring.datasource.url (" + Masking.text(url)
          + ") is not a database file (in memory, temporary or a resource): Litewake replicates a file"
          + " database" + hint);
    }
    return Path.of(name);
  }
}
