package io.litewake.interop;

import io.litewake.testsupport.Litestream;
import java.net.URI;
import java.nio.file.Path;

/** A directory replica: Litewake's {@code file:} URI, Litestream's {@code type: file}. */
record FileTarget(Path dir) implements ReplicaTarget {
  @Override
  public URI litewakeUri() {
    return dir.toAbsolutePath().toUri();
  }

  @Override
  public String litestreamReplicaYaml() {
    return Litestream.fileReplica(dir);
  }

  @Override
  public String litestreamUrl() {
    return "file://" + dir.toAbsolutePath();
  }
}
