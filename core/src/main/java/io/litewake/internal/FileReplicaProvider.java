package io.litewake.internal;

import io.litewake.LitewakeException;
import io.litewake.spi.Replica;
import io.litewake.spi.ReplicaProvider;
import java.net.URI;
import java.nio.file.Path;
import java.util.Set;

/** Provides {@code file:} replicas: {@code file:///absolute/dir} or {@code file:relative/dir}. */
public final class FileReplicaProvider implements ReplicaProvider {

  /** Creates the provider (called by ServiceLoader). */
  public FileReplicaProvider() {}

  @Override
  public Set<String> schemes() {
    return Set.of("file");
  }

  @Override
  public Replica open(URI uri) {
    Path dir;
    try {
      if (uri.isOpaque()) {
        dir = Path.of(uri.getSchemeSpecificPart());
      } else {
        if (uri.getAuthority() != null && !uri.getAuthority().isEmpty()) {
          throw new LitewakeException("file replica URI " + Redact.uri(uri) + " has a host"
              + ": use file:///absolute/path or file:relative/path");
        }
        dir = Path.of(uri.getPath());
      }
    } catch (IllegalArgumentException e) {
      throw new LitewakeException("invalid file replica URI " + Redact.uri(uri) + ": " + e.getMessage()
          + "; use file:///absolute/path", e);
    }
    if (uri.getQuery() != null) {
      throw new LitewakeException("file replica URI " + Redact.uri(uri) + " takes no query parameters;"
          + " remove the query (from '?' on)");
    }
    return new FileReplica(dir);
  }
}
