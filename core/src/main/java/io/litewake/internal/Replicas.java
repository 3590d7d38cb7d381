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
  /** Litewake's own providers, found by class name when their META-INF/services entry is missing. */
  private static final Map<String, String> OWN = Map.of("s3", "io.litewake.s3.S3ReplicaProvider");
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(Replicas.class);

  private Replicas() {}

  private static ReplicaProvider ownProvider(String scheme) {
    String name = OWN.get(scheme);
    if (name == null) {
      return null;
    }
    for (ClassLoader cl : new ClassLoader[] {Thread.currentThread().getContextClassLoader(), Replicas.class.getClassLoader()}) {
      if (cl == null) {
        continue;
      }
      try {
        Class<?> c = Class.forName(name, true, cl);
        return (ReplicaProvider) c.getDeclaredConstructor().newInstance();
      } catch (ClassNotFoundException e) {
        // not on this class path
      } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
        throw new LitewakeException("the replica provider " + name + " is on the class path but cannot be loaded ("
            + e + "); check that every litewake artifact has the same version", e);
      }
    }
    return null;
  }

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
    ReplicaProvider own = ownProvider(scheme);
    if (own != null) {
      // a fat jar whose build kept only one META-INF/services/io.litewake.spi.ReplicaProvider
      // (maven-shade without ServicesResourceTransformer): the provider class is there all the same
      LOG.debug("litewake: replica provider for '{}' found by class name; its META-INF/services entry is missing"
          + " (a shaded jar that merged service files without ServicesResourceTransformer?)", scheme);
      return own.open(uri);
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
