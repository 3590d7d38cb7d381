package io.litewake.internal;

import com.exceptionfactory.jagged.EncryptingChannelFactory;
import com.exceptionfactory.jagged.RecipientStanzaWriter;
import com.exceptionfactory.jagged.framework.stream.StandardEncryptingChannelFactory;
import com.exceptionfactory.jagged.x25519.X25519RecipientStanzaWriterFactory;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.TreeSet;

/**
 * The age recipients (X25519 public keys, {@code age1...}) that every replica object is encrypted
 * to, as Litestream v0.3's {@code age.recipients}: an object is compressed first, then encrypted
 * ({@link #encrypt}), the order Litestream uses. The keys themselves are never printed: {@link
 * #toString()} and {@link #fingerprint()} show a count and a hash only. {@link #NONE} encrypts
 * nothing. Immutable; safe for any thread.
 */
public final class AgeRecipients {
  /** No encryption: {@link #encrypt} returns the stream it is given. */
  public static final AgeRecipients NONE = new AgeRecipients(List.of(), "none");

  private static final EncryptingChannelFactory FACTORY = new StandardEncryptingChannelFactory();

  private final List<RecipientStanzaWriter> writers;
  private final String fingerprint;

  private AgeRecipients(List<RecipientStanzaWriter> writers, String fingerprint) {
    this.writers = writers;
    this.fingerprint = fingerprint;
  }

  /**
   * Parses recipients as {@code age-keygen} prints them ({@code age1} and 58 Bech32 characters);
   * blank lines and {@code #} comments inside one argument are skipped, as in a recipients file.
   *
   * @param option the builder option, for messages
   * @param recipients one or more recipients
   * @return the parsed recipients
   * @throws IllegalArgumentException naming the position of a bad recipient (never its value)
   */
  public static AgeRecipients parse(String option, String... recipients) {
    Checks.requireNonNull(recipients, option);
    List<String> keys = new ArrayList<>();
    List<RecipientStanzaWriter> writers = new ArrayList<>();
    for (int i = 0; i < recipients.length; i++) {
      Checks.requireArgument(recipients[i] != null, option + ": recipient " + (i + 1) + " is null");
      for (String line : recipients[i].split("\\R")) {
        String key = line.strip();
        if (key.isEmpty() || key.startsWith("#")) {
          continue;
        }
        try {
          Checks.requireArgument(key.startsWith("age1"), "");
          writers.add(X25519RecipientStanzaWriterFactory.newRecipientStanzaWriter(key));
        } catch (GeneralSecurityException | RuntimeException e) {
          // the jagged message may quote the key: never passed on
          throw new IllegalArgumentException(option + ": recipient " + (i + 1) + " is not an age X25519 recipient"
              + " (it must be age1 followed by 58 Bech32 characters, as age-keygen prints it)");
        }
        keys.add(key);
      }
    }
    Checks.requireArgument(!writers.isEmpty(), option + " needs at least one recipient (age1...)");
    return new AgeRecipients(List.copyOf(writers), hash(keys));
  }

  /** A short hash of the sorted recipients, so that a change can be noticed without storing them. */
  private static String hash(List<String> keys) {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      for (String k : new TreeSet<>(keys)) {
        md.update(k.getBytes(StandardCharsets.US_ASCII));
        md.update((byte) '\n');
      }
      return "age:" + HexFormat.of().formatHex(md.digest(), 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }

  /**
   * Whether objects are encrypted.
   *
   * @return false for {@link #NONE}
   */
  public boolean encrypts() {
    return !writers.isEmpty();
  }

  /**
   * Identifies the recipient set without revealing it: {@code none}, or {@code age:} and 16 hex
   * digits of a SHA-256 of the sorted recipients. The spool's state records it, so that objects
   * spooled under other settings are never uploaded.
   *
   * @return the fingerprint
   */
  public String fingerprint() {
    return fingerprint;
  }

  /**
   * Wraps {@code out} so that what is written to it is age-encrypted (binary format, to every
   * recipient); closing the wrapper writes the last chunk and closes {@code out}.
   *
   * @param out where the encrypted bytes go
   * @return {@code out} itself for {@link #NONE}, else the encrypting stream
   * @throws IOException if the header cannot be written or the key not wrapped
   */
  public OutputStream encrypt(OutputStream out) throws IOException {
    if (writers.isEmpty()) {
      return out;
    }
    try {
      return Channels.newOutputStream(FACTORY.newEncryptingChannel(Channels.newChannel(out), writers));
    } catch (GeneralSecurityException e) {
      throw new IOException("cannot start age encryption: " + e.getClass().getSimpleName(), e);
    }
  }

  @Override
  public String toString() {
    return writers.isEmpty() ? "no encryption" : "age encryption to " + writers.size() + " recipient(s), " + fingerprint;
  }
}
