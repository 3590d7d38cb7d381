package io.litewake.cli;

import io.litewake.LitewakeException;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ScopeType;

/**
 * The {@code litewake} command: {@code java -jar litewake.jar COMMAND [OPTIONS]}.
 *
 * <p>Commands: {@code restore}, {@code list}, {@code verify}, {@code replicate}, {@code policy},
 * {@code version}; {@code --help} on each. Exit codes: 0 success, 1 failure (one line on stderr
 * that says what to do), 2 usage error. Logging goes to stderr and is quiet by default: warnings
 * and errors only; {@code -v} adds lifecycle lines, {@code -vv} debug lines and stack traces.
 */
@Command(name = "litewake", mixinStandardHelpOptions = true, versionProvider = Litewake.Version.class,
    sortOptions = false, usageHelpAutoWidth = true,
    description = {"Restores, inspects, verifies and replicates SQLite databases in S3 (or a directory), in"
        + " Litestream v0.3's layout.", ""},
    commandListHeading = "%nCommands:%n",
    footerHeading = "%n",
    footer = {"Replica URIs: s3://BUCKET/PREFIX[?endpoint=URL&region=R&force-path-style=true&access-key=K"
        + "&secret-access-key=S&sse=...&storage-class=...], s3://arn:aws:s3:REGION:ACCOUNT:accesspoint/NAME[/PREFIX],"
        + " file:///DIR. Without access-key the AWS default credentials chain is used.",
        "Exit codes: 0 success, 1 failure, 2 usage error."},
    subcommands = {RestoreCommand.class, ListCommand.class, VerifyCommand.class, ReplicateCommand.class,
        PolicyCommand.class, VersionCommand.class, CommandLine.HelpCommand.class})
public final class Litewake implements Callable<Integer> {

  /** Exit code of a success. */
  static final int OK = 0;
  /** Exit code of a failure. */
  static final int FAILED = 1;
  /** Exit code of a usage error. */
  static final int USAGE = 2;

  @Option(names = {"-v", "--verbose"}, scope = ScopeType.INHERIT,
      description = "Log lifecycle lines on stderr; twice (-vv) for debug lines and stack traces.")
  boolean[] verbose = new boolean[0];

  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  private Litewake() {}

  /**
   * Runs the command line and exits with its exit code.
   *
   * @param args the arguments, such as {@code restore -o data/app.db s3://bucket/app}
   */
  public static void main(String[] args) {
    Text.rememberSecrets(args);
    configureLogging(verbosity(args));
    PrintWriter out = new PrintWriter(System.out, true, StandardCharsets.UTF_8);
    PrintWriter err = new PrintWriter(System.err, true, StandardCharsets.UTF_8);
    int code = execute(args, out, err);
    out.flush();
    err.flush();
    System.exit(code);
  }

  /** Parses and runs {@code args}, printing to {@code out} and {@code err}; returns the exit code. */
  static int execute(String[] args, PrintWriter out, PrintWriter err) {
    Text.rememberSecrets(args);
    int verbosity = verbosity(args);
    CommandLine cl = new CommandLine(new Litewake());
    cl.setOut(out);
    cl.setErr(err);
    cl.setCaseInsensitiveEnumValuesAllowed(true);
    cl.setParameterExceptionHandler((ParameterException e, String[] a) -> {
      String name = e.getCommandLine().getCommandName();
      String prefix = e.getCommandLine() == cl ? "litewake" : "litewake " + name;
      err.println(Text.mask(prefix + ": " + Text.oneLine(e.getMessage()) + "; see '" + prefix + " --help'"));
      return USAGE;
    });
    cl.setExecutionExceptionHandler((e, cmd, parsed) -> {
      String prefix = cmd == cl ? "litewake" : "litewake " + cmd.getCommandName();
      int code;
      String message;
      if (e instanceof Failure f) {
        code = f.exitCode;
        message = f.getMessage() + (code == USAGE ? "; see '" + prefix + " --help'" : "");
      } else if (e instanceof LitewakeException) {
        code = FAILED;
        message = Messages.forCommandLine(e.getMessage());
      } else if (e instanceof IllegalArgumentException || e instanceof IllegalStateException) {
        code = USAGE; // an option the library refused (its message names the value)
        message = Messages.forCommandLine(e.getMessage()) + "; see '" + prefix + " --help'";
      } else {
        code = FAILED;
        message = "unexpected " + e + "; run again with -vv for the stack trace, and report it";
      }
      err.println(Text.mask(prefix + ": " + Text.oneLine(message)));
      if (verbosity >= 2) {
        java.io.StringWriter trace = new java.io.StringWriter();
        e.printStackTrace(new PrintWriter(trace));
        err.print(Text.mask(trace.toString()));
      }
      err.flush();
      return code;
    });
    return cl.execute(args);
  }

  /** Without a command: the usage on stderr and a usage error. */
  @Override
  public Integer call() {
    throw new ParameterException(spec.commandLine(), "no command given (restore, list, verify, replicate, policy, version)");
  }

  /** How many {@code -v} the arguments hold (before {@code --}). */
  static int verbosity(String[] args) {
    int v = 0;
    for (String a : args) {
      if (a.equals("--")) {
        break;
      }
      if (a.equals("--verbose")) {
        v++;
      } else if (a.matches("-v+")) {
        v += a.length() - 1;
      }
    }
    return v;
  }

  /**
   * Sets up slf4j-simple before its first use: stderr, one line per event with the time and level;
   * Litewake at WARN (INFO with -v, DEBUG with -vv), libraries at ERROR (INFO with -vv). A
   * property given with {@code -D} wins.
   */
  static void configureLogging(int verbosity) {
    Map<String, String> p = Map.of(
        "org.slf4j.simpleLogger.logFile", "System.err",
        "org.slf4j.simpleLogger.defaultLogLevel", verbosity >= 2 ? "info" : "error",
        "org.slf4j.simpleLogger.log.io.litewake", verbosity >= 2 ? "debug" : verbosity == 1 ? "info" : "warn",
        "org.slf4j.simpleLogger.showDateTime", "true",
        "org.slf4j.simpleLogger.dateTimeFormat", "yyyy-MM-dd'T'HH:mm:ss.SSSXXX",
        "org.slf4j.simpleLogger.showThreadName", verbosity >= 2 ? "true" : "false",
        "org.slf4j.simpleLogger.showLogName", "false",
        "org.slf4j.simpleLogger.showShortLogName", "false");
    p.forEach((k, v) -> {
      if (System.getProperty(k) == null) {
        System.setProperty(k, v);
      }
    });
  }

  /** The version of this build, from the jar's resources. */
  static String version() {
    try (InputStream in = Litewake.class.getResourceAsStream("version.properties")) {
      Properties p = new Properties();
      if (in != null) {
        p.load(in);
      }
      return p.getProperty("version", "unknown");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** {@code --version}: the same lines as the {@code version} command. */
  static final class Version implements IVersionProvider {
    @Override
    public String[] getVersion() {
      return VersionCommand.lines();
    }
  }

  /** A failure the command itself detected, with its exit code and a message that says what to do. */
  static final class Failure extends RuntimeException {
    private static final long serialVersionUID = 1L;
    final int exitCode;

    Failure(int exitCode, String message) {
      super(message);
      this.exitCode = exitCode;
    }

    static Failure failed(String message) {
      return new Failure(FAILED, message);
    }

    static Failure usage(String message) {
      return new Failure(USAGE, message);
    }
  }
}
