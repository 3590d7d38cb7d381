package io.litewake.interop;

import java.net.URI;

/** One replica location seen by both tools: Litewake's URI and Litestream's replica config. */
interface ReplicaTarget {
  /** What Litewake's {@code Replicator.to(URI)} and {@code Restore.from(URI)} take. */
  URI litewakeUri();

  /** The body of one entry of Litestream's {@code replicas:} list, one key per line. */
  String litestreamReplicaYaml();

  /** The replica URL {@code litestream restore URL} takes, or null when it needs the config form. */
  String litestreamUrl();
}
