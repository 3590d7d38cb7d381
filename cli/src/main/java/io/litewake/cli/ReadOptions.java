package io.litewake.cli;

import io.litewake.Restore;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The options of {@code restore} and {@code verify} that only say how the replica is read. */
final class ReadOptions {
  @Option(names = "--age-identity-file", paramLabel = "F",
      description = "Decrypt an age-encrypted replica with the identities in this file (as age-keygen writes it;"
          + " Litestream's age.identities).")
  Path ageIdentityFile;

  @Option(names = "--parallelism", paramLabel = "N", description = "Objects downloaded at once (default 16).")
  Integer parallelism;

  /** Sets what was given on {@code restore}. */
  void applyTo(Restore restore) {
    if (parallelism != null) {
      restore.parallelism(parallelism);
    }
    if (ageIdentityFile != null) {
      restore.ageIdentityFile(ageIdentityFile);
    }
  }
}
