package io.litewake.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code litewake version}: this build's version and the Java runtime. */
@Command(name = "version", mixinStandardHelpOptions = true, versionProvider = Litewake.Version.class,
    header = "Prints the version.",
    description = {"Prints the version of litewake and of the Java runtime.", ""})
final class VersionCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  static String[] lines() {
    return new String[] {"litewake " + Litewake.version(),
        "Java " + System.getProperty("java.version") + " (" + System.getProperty("java.vm.name") + ", "
            + System.getProperty("os.name") + " " + System.getProperty("os.arch") + ")"};
  }

  @Override
  public Integer call() {
    for (String l : lines()) {
      spec.commandLine().getOut().println(l);
    }
    return Litewake.OK;
  }
}
