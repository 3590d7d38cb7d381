package io.litewake.internal;

import com.exceptionfactory.jagged.RecipientStanzaReader;
import com.exceptionfactory.jagged.x25519.X25519RecipientStanzaReaderFactory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.List;

/**
 * The age identities (X25519 secret keys, {@code AGE-SECRET-KEY-1...}) a restore decrypts objects
 * with, as Litestream v0.3's {@code age.identities}. Each value may be one identity or the content
 * of an identity file ({@code #} comments and blank lines skipped, as {@code age-keygen} writes
 * it). Secret keys never appear in messages, logs or {@link #toString()}: errors name the
 * argument's position or the file and line. {@link #NONE} holds no identity. Immutable; safe for
 * any thread.
 */
public final class AgeIdentities {
  /** No identity: encrypted objects cannot be read. */
  public static final AgeIdentities NONE = new AgeIdentities(List.of());

  private final List<RecipientStanzaReader> readers;

  private AgeIdentities(List<RecipientStanzaReader> readers) {
    this.readers = readers;
  }

  /**
   * Parses identities given as strings.
   *
   * @param option the option, for messages
   * @param identities one or more identities (or identity file contents)
   * @return the identities
   * @throws IllegalArgumentException naming the position of a bad identity (never its value)
   */
  public static AgeIdentities parse(String option, String... identities) {
    Checks.requireNonNull(identities, option);
    List<RecipientStanzaReader> readers = new ArrayList<>();
    for (int i = 0; i < identities.length; i++) {
      Checks.requireArgument(identities[i] != null, option + ": identity " + (i + 1) + " is null");
      parseInto(readers, identities[i], option + ": identity " + (i + 1));
    }
    Checks.requireArgument(!readers.isEmpty(), option + " needs at least one identity (AGE-SECRET-KEY-1...)");
    return new AgeIdentities(List.copyOf(readers));
  }

  /**
   * Reads an identity file, as {@code age-keygen -o FILE} writes it.
   *
   * @param file the file
   * @return the identities in it
   * @throws IllegalArgumentException if the file cannot be read or a line is not an identity (the
   *     message names the file and the line number, never its content)
   */
  public static AgeIdentities file(Path file) {
    Checks.requireNonNull(file, "ageIdentityFile");
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException | RuntimeException e) {
      throw new IllegalArgumentException("ageIdentityFile: cannot read " + file + " (" + e.getClass().getSimpleName()
          + "); give a readable file as age-keygen -o writes it", e);
    }
    List<RecipientStanzaReader> readers = new ArrayList<>();
    parseInto(readers, text, "ageIdentityFile " + file);
    Checks.requireArgument(!readers.isEmpty(), "ageIdentityFile " + file + " holds no identity (AGE-SECRET-KEY-1...)");
    return new AgeIdentities(List.copyOf(readers));
  }

  private static void parseInto(List<RecipientStanzaReader> readers, String text, String what) {
    String[] lines = text.split("\\R");
    for (int n = 0; n < lines.length; n++) {
      String line = lines[n].strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      String where = lines.length > 1 ? what + ", line " + (n + 1) : what;
      if (!line.startsWith("AGE-SECRET-KEY-1")) {
        throw new IllegalArgumentException(where + " is not an age X25519 identity: it must start with"
            + " AGE-SECRET-KEY-1 (as age-keygen writes it)" + (line.startsWith("age1")
                ? "; age1... is a recipient (a public key), restores need the matching identity" : ""));
      }
      try {
        readers.add(X25519RecipientStanzaReaderFactory.newRecipientStanzaReader(line));
      } catch (GeneralSecurityException | RuntimeException e) {
        // the jagged message may quote the key: never passed on
        throw new IllegalArgumentException(where + " is not a valid age X25519 identity (bad Bech32 encoding or"
            + " checksum)");
      }
    }
  }

  /**
   * These identities and those of {@code other}.
   *
   * @param other more identities
   * @return the union
   */
  public AgeIdentities plus(AgeIdentities other) {
    List<RecipientStanzaReader> all = new ArrayList<>(readers);
    all.addAll(other.readers);
    return new AgeIdentities(List.copyOf(all));
  }

  /**
   * How many identities there are.
   *
   * @return the count, 0 for {@link #NONE}
   */
  public int size() {
    return readers.size();
  }

  /** The readers that unwrap a file key, for {@link ObjectDecoder}. */
  List<RecipientStanzaReader> readers() {
    return readers;
  }

  @Override
  public String toString() {
    return readers.size() + " age identit" + (readers.size() == 1 ? "y" : "ies");
  }
}
