package io.litewake.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line in process: exit codes and the one line that says what went wrong. */
class CommandLineTest {
  @TempDir Path dir;

  record Result(int code, String out, String err) {}

  static Result run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Litewake.execute(args, new PrintWriter(out, true), new PrintWriter(err, true));
    return new Result(code, out.toString(), err.toString());
  }

  @Test
  void usageErrorsExitWith2AndOneLine() {
    for (String[] args : new String[][] {
        {},
        {"restor", "s3://b/p"},
        {"restore", "s3://b/p"},
        {"restore", "-o", "x.db", "--parallelism", "many", "s3://b/p"},
        {"restore", "-o", "x.db", "--index", "1a", "s3://b/p"},
        {"restore", "-o", "x.db", "--timestamp", "now", "s3://b/p"},
        {"restore", "-o", "x.db", "--generation", "NOT-HEX", "s3://b/p"},
        {"restore", "-o", "x.db", "--parallelism", "0", "s3://b/p"},
        {"list", "--json"},
        {"replicate", "--sync-interval", "soon", "app.db", "s3://b/p"},
        {"replicate", "--snapshot-wal-ratio", "0", "app.db", "s3://b/p"},
        {"restore", "-o", "x.db", "--integrity-check", "thorough", "s3://b/p"},
        {"policy", "file:///tmp/replica"}}) {
      Result r = run(args);
      assertThat(r.code()).as(String.join(" ", args) + ": " + r).isEqualTo(2);
      assertThat(r.err().lines().toList()).as(String.join(" ", args) + ": " + r).hasSize(1);
      assertThat(r.err()).startsWith("litewake").contains("--help");
      assertThat(r.out()).isEmpty();
    }
    assertThat(run("restore", "-o", "x.db", "--index", "1a", "s3://b/p").err()).contains("--index needs --generation");
    assertThat(run("replicate", "--snapshot-wal-ratio", "0", "app.db", "s3://b/p").err())
        .contains("snapshotWalRatio must be a positive finite number (such as 0.5 or 4), was 0.0");
    assertThat(run("restore", "-o", "x.db", "--integrity-check", "thorough", "s3://b/p").err())
        .contains("thorough").contains("FULL, QUICK, NONE");
    assertThat(run("restore", "-o", "x.db", "--generation", "NOT-HEX", "s3://b/p").err())
        .contains("generation must be 16 lowercase hex digits");
  }

  @Test
  void failuresExitWith1AndSayWhatToDo() throws Exception {
    Path replica = Files.createDirectories(dir.resolve("empty-replica"));
    Result empty = run("restore", "-o", dir.resolve("out.db").toString(), replica.toUri().toString());
    assertThat(empty.code()).as(empty.toString()).isEqualTo(1);
    assertThat(empty.err()).contains("holds no generation", "pass --if-replica-exists").doesNotContain("()");
    assertThat(dir.resolve("out.db")).doesNotExist();
    Result skipped = run("restore", "--if-replica-exists", "-o", dir.resolve("out.db").toString(),
        replica.toUri().toString());
    assertThat(skipped.code()).isZero();
    assertThat(skipped.out()).contains("nothing restored", "empty");
    Result verify = run("verify", replica.toUri().toString());
    assertThat(verify.code()).isEqualTo(1);
    Result missingDb = run("replicate", dir.resolve("missing.db").toString(), replica.toUri().toString());
    assertThat(missingDb.code()).as(missingDb.toString()).isEqualTo(1);
    assertThat(missingDb.err().lines().toList()).hasSize(1);
  }

  @Test
  void listOfAnEmptyReplicaAndThePolicy() throws Exception {
    Path replica = Files.createDirectories(dir.resolve("empty-replica"));
    Result list = run("list", replica.toUri().toString());
    assertThat(list.code()).isZero();
    assertThat(list.out()).contains("empty: no generation");
    Result json = run("list", "--json", replica.toUri().toString());
    assertThat(json.out()).contains("\"generations\": []", "\"latest\": null");
    Result policy = run("policy", "s3://my-bucket/apps/orders");
    assertThat(policy.code()).isZero();
    assertThat(policy.out()).contains("\"s3:ListBucket\"", "apps/orders/*", "s3:DeleteObject");
  }

  @Test
  void versionAndHelp() {
    assertThat(run("version").out()).startsWith("litewake ");
    assertThat(run("--version").out()).startsWith("litewake ");
    Result help = run("--help");
    assertThat(help.code()).isZero();
    assertThat(help.out()).contains("restore", "list", "verify", "replicate", "policy", "version", "Exit codes");
  }
}
