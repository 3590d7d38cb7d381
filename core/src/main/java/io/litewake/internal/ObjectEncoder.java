package io.litewake.internal;

import io.litewake.Compression;
import java.io.IOException;
import java.io.OutputStream;

/**
 * How the replicator writes a replica object: compressed, then age-encrypted when recipients are
 * set (Litestream v0.3's order, so that {@code litestream restore} reads it). The spool holds
 * objects in this final form, byte for byte what is uploaded. Immutable.
 *
 * @param compression the codec, also the key's extension
 * @param recipients the recipients, {@link AgeRecipients#NONE} for none
 */
public record ObjectEncoder(Compression compression, AgeRecipients recipients) {

  /** Plain compression, no encryption (tests). */
  public static ObjectEncoder plain(Compression compression) {
    return new ObjectEncoder(compression, AgeRecipients.NONE);
  }

  /**
   * Wraps a file's stream: what is written is compressed, then encrypted; closing finishes both
   * and closes {@code file}.
   *
   * @param file the stream of the spool file
   * @param zstdLevel the zstd level ({@link Codecs#SNAPSHOT_LEVEL} or {@link Codecs#walLevel})
   * @return the stream to write the content to
   * @throws IOException if the streams cannot start
   */
  public OutputStream open(OutputStream file, int zstdLevel) throws IOException {
    return Codecs.compress(compression, recipients.encrypt(file), zstdLevel);
  }
}
