package io.litewake.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.litewake.Restore;
import java.io.IOException;
import java.lang.reflect.Method;
import java.net.URI;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every Java snippet of the README compiles against the published artifacts, with only the
 * variables its surrounding prose names (a {@code replicator}, a {@code dataSource}, ...) given;
 * the first one, the "restore on boot, then replicate" every user copies, also runs as written on
 * a first boot with no database file.
 */
class ReadmeSnippetsTest {
  @RegisterExtension static final S3Extension s3 = S3Extension.create();

  @TempDir Path dir;

  private static final String IMPORTS = String.join("\n",
      "import io.litewake.*;", "import io.litewake.s3.*;", "import io.litewake.micrometer.*;", "import io.litewake.spi.*;", "import java.util.UUID;", "import io.litewake.testkit.*;", "import java.net.URI;",
      "import java.nio.file.*;", "import java.sql.Connection;", "import java.sql.DriverManager;",
      "import java.time.*;", "import java.util.List;", "import javax.sql.DataSource;",
      "import software.amazon.awssdk.services.s3.S3AsyncClient;",
      "import software.amazon.awssdk.services.s3.model.StorageClass;", "import org.junit.jupiter.api.Test;",
      "import org.junit.jupiter.api.extension.RegisterExtension;", "import org.junit.jupiter.api.io.TempDir;",
      "import static org.assertj.core.api.Assertions.assertThat;", "");

  /** What the prose around a fragment gives it, by variable name. */
  private static final Map<String, String> CONTEXT = new LinkedHashMap<>();

  static {
    CONTEXT.put("replicator", "Replicator");
    CONTEXT.put("dataSource", "DataSource");
    CONTEXT.put("uri", "URI");
    CONTEXT.put("myS3AsyncClient", "S3AsyncClient");
    CONTEXT.put("s3", "S3Extension");
    CONTEXT.put("db", "Path");
    CONTEXT.put("registry", "io.micrometer.core.instrument.MeterRegistry");
  }

  static List<String> javaBlocks() throws IOException {
    String readme = Files.readString(Path.of("..", "README.md"));
    List<String> blocks = new ArrayList<>();
    Matcher m = Pattern.compile("```java\\n(.*?)```", Pattern.DOTALL).matcher(readme);
    while (m.find()) {
      blocks.add(m.group(1));
    }
    return blocks;
  }

  /** The fragment as a compilable class named {@code name}. */
  static String source(String name, String block) {
    if (block.stripLeading().startsWith("class ")) {
      return IMPORTS + block.replaceFirst("class \\w+", "class " + name);
    }
    List<String> params = new ArrayList<>();
    String code = block.replaceAll("\"(\\\\.|[^\"\\\\])*\"", "\"\"").replaceAll("//[^\n]*", "");
    for (Map.Entry<String, String> e : CONTEXT.entrySet()) {
      boolean used = Pattern.compile("\\b" + e.getKey() + "\\b").matcher(code).find();
      boolean declared = Pattern.compile("\\b\\w+(<[^>]*>)?\\s+" + e.getKey() + "\\s*=").matcher(block).find();
      if (used && !declared) {
        params.add(e.getValue() + " " + e.getKey());
      }
    }
    return IMPORTS + "public class " + name + " {\n  public static void run(" + String.join(", ", params)
        + ") throws Exception {\n" + block + "\n  }\n}\n";
  }

  private Path compile(Map<String, String> sources) throws IOException {
    Path src = Files.createDirectories(dir.resolve("src"));
    Path out = Files.createDirectories(dir.resolve("classes"));
    List<String> args = new ArrayList<>(List.of("-d", out.toString(), "-cp", System.getProperty("java.class.path"),
        "-proc:none", "-Xlint:none", "-nowarn"));
    for (Map.Entry<String, String> e : sources.entrySet()) {
      Path f = src.resolve(e.getKey() + ".java");
      Files.writeString(f, e.getValue());
      args.add(f.toString());
    }
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
    int rc = javac.run(null, null, err, args.toArray(String[]::new));
    assertThat(rc).as("README snippets compile:\n%s", err).isZero();
    return out;
  }

  @Test
  void everyJavaSnippetCompiles() throws Exception {
    List<String> blocks = javaBlocks();
    assertThat(blocks).hasSizeGreaterThanOrEqualTo(7);
    Map<String, String> sources = new LinkedHashMap<>();
    for (int i = 0; i < blocks.size(); i++) {
      sources.put("ReadmeSnippet" + (i + 1), source("ReadmeSnippet" + (i + 1), blocks.get(i)));
    }
    // the README's contract-suite example names the reader's own replica class
    sources.put("MyStoreReplica", IMPORTS + """
        class MyStoreReplica implements Replica {
          private final Replica files;
          MyStoreReplica(String dir) { files = new io.litewake.internal.FileReplica(Path.of(dir)); }
          public String location() { return files.location(); }
          public java.util.List<StoredObject> list(String prefix) throws java.io.IOException { return files.list(prefix); }
          public StoredObject put(String key, Path source) throws java.io.IOException { return files.put(key, source); }
          public java.io.InputStream open(String key) throws java.io.IOException { return files.open(key); }
          public void delete(java.util.Collection<String> keys) throws java.io.IOException { files.delete(keys); }
          public void close() { files.close(); }
        }
        """);
    compile(sources);
  }

  @Test
  void theFirstSnippetRunsAsWrittenOnAFirstBoot() throws Exception {
    String first = javaBlocks().get(0);
    assertThat(first).contains("s3://my-bucket/apps/orders").contains("data/orders.db");
    URI replica = s3.uri("readme");
    Path db = dir.resolve("boot/data/orders.db");
    String adapted = first.replace("s3://my-bucket/apps/orders", replica.toString())
        .replace("data/orders.db", db.toString().replace("\\", "\\\\"));
    Path classes = compile(Map.of("FirstBoot", source("FirstBoot", adapted)));
    try (URLClassLoader cl = new URLClassLoader(new java.net.URL[] {classes.toUri().toURL()}, getClass().getClassLoader())) {
      Method run = cl.loadClass("FirstBoot").getMethod("run");
      run.invoke(null); // first boot: no database file, an empty replica
      assertThat(Files.exists(db)).isTrue();
      run.invoke(null); // second boot: the database exists and is kept
    }
    assertThat(Restore.from(replica).list().generations()).isNotEmpty();
  }
}
