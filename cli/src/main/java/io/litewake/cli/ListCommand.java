package io.litewake.cli;

import io.litewake.ReplicaContents;
import io.litewake.Restore;
import java.net.URI;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code litewake list}: what a replica holds, from one listing ({@link Restore#list()}). */
@Command(name = "list", mixinStandardHelpOptions = true, versionProvider = Litewake.Version.class,
    sortOptions = false, usageHelpAutoWidth = true,
    header = "Lists generations, snapshots, WAL ranges and the restorable time window.",
    description = {"Lists a replica: its generations (latest, fenced), snapshots, WAL ranges per WAL index, "
        + "the restorable time window, and the objects under the prefix that are not in the layout. "
        + "Litestream's 'generations', 'snapshots' and 'wal' in one. Downloads nothing.", ""})
final class ListCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--json", description = "Print JSON instead of the table.")
  boolean json;

  @Parameters(index = "0", paramLabel = "URI", converter = Converters.ReplicaUri.class,
      description = "The replica: s3://BUCKET/PREFIX[?params] or file:///DIR.")
  URI uri;

  @Override
  public Integer call() {
    ReplicaContents contents = Restore.from(uri).list();
    ContentsView view = new ContentsView(contents);
    if (json) {
      spec.commandLine().getOut().println(view.json());
    } else {
      view.printTable(spec.commandLine().getOut());
    }
    return Litewake.OK;
  }
}
