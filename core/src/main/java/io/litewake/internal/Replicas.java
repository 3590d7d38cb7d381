package io.litewake.internal;

import io.litewake.LitewakeException;
import io.litewake.spi.Replica;
import io.litewake.spi.ReplicaProvider;
import java.net.URI;
import java.util.Locale;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeSet;

/** Finds the {@link ReplicaProvider} of a URI scheme with ServiceLoader. */
public final class Replicas {
  private static final Map<String, String> KNOWN = Map.of("s3", "io.litewake:litewake-s3");

  private Replicas() {}

  /** Opens the replica of {@code uri}, or fails naming the artifact to add. */
  public static Replica open(URI uri) {
    String scheme = uri.getScheme();
    if (scheme == null) {
      throw new LitewakeException("replica URI '" + Redact.uri(uri) + "' has no scheme: use s3://bucket/prefix or file:///dir");
    }
    scheme = scheme.toLowerCase(Locale.ROOT);
    TreeSet<String> available = new TreeSet<>();
    for (ClassLoader cl : new ClassLoader[] {Thread.currentThread().getContextClassLoader(), Replicas.class.getClassLoader()}) {
      if (cl == null) {
        continue;
      }
      for (ReplicaProvider p : ServiceLoader.load(ReplicaProvider.class, cl)) {
        if (p.schemes().contains(scheme)) {
          return p.open(uri);
        }
        available.addAll(p.schemes());
      }
    }
    String artifact = KNOWN.get(scheme);
    if (artifact != null) {
      throw new LitewakeException("no replica provider for scheme '" + scheme + "' (URI " + Redact.uri(uri)
          + "): add the " + artifact + " artifact to your dependencies");
    }
    throw new LitewakeException("unknown replica URI scheme '" + scheme + "' (URI " + Redact.uri(uri)
        + "): supported schemes are " + available + "; s3 needs the io.litewake:litewake-s3 artifact");
  }
}
