package io.litewake.internal;

import com.exceptionfactory.jagged.DecryptingChannelFactory;
import com.exceptionfactory.jagged.UnsupportedRecipientStanzaException;
import com.exceptionfactory.jagged.framework.stream.StandardDecryptingChannelFactory;
import io.litewake.Compression;
import io.litewake.ReplicaEncryptionException;
import java.io.BufferedInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Arrays;

/**
 * Turns the stored bytes of a replica object into its content: age decryption when the object is
 * encrypted (it starts with the age header {@code age-encryption.org/v1}, as objects written with
 * recipients by Litewake or Litestream do), then decompression. Plain objects are read as they
 * are, so a replica may hold both (a generation written before encryption was turned on).
 * Failures name the object: no identity or no matching one is a {@link
 * ReplicaEncryptionException}; a damaged header or a chunk that fails authentication (a changed or
 * truncated object) is a {@link io.litewake.ReplicaDamagedException}; a failure of the download
 * itself passes through unchanged. Immutable; safe for any thread.
 */
final class ObjectDecoder {
  /** The first line of every age file in binary format. */
  static final byte[] AGE_HEADER = "age-encryption.org/v1\n".getBytes(StandardCharsets.US_ASCII);
  private static final DecryptingChannelFactory FACTORY = new StandardDecryptingChannelFactory();

  private final String location;
  private final AgeIdentities identities;

  /**
   * A decoder for the objects of one replica.
   *
   * @param location the replica, for messages
   * @param identities the identities to decrypt with, {@link AgeIdentities#NONE} for none
   */
  ObjectDecoder(String location, AgeIdentities identities) {
    this.location = location;
    this.identities = identities;
  }

  /** True if {@code bytes} (at least the header's length of them) start an age file. */
  static boolean isEncrypted(byte[] bytes, int len) {
    return len >= AGE_HEADER.length && Arrays.equals(bytes, 0, AGE_HEADER.length, AGE_HEADER, 0, AGE_HEADER.length);
  }

  /**
   * Opens an object's content: decrypts if it is encrypted, then decompresses.
   *
   * @param key the object's key, for messages
   * @param c how the object is compressed
   * @param stored the stored bytes; closed with the returned stream
   * @return the decompressed content
   * @throws ReplicaEncryptionException if it is encrypted and no identity matches
   * @throws IOException if reading fails
   */
  InputStream open(String key, Compression c, InputStream stored) throws IOException {
    return Codecs.decompress(c, decrypted(key, stored));
  }

  /** The stored stream, decrypted if it is an age file. */
  private InputStream decrypted(String key, InputStream stored) throws IOException {
    BufferedInputStream in = new BufferedInputStream(stored, 1 << 16);
    in.mark(AGE_HEADER.length);
    byte[] head = in.readNBytes(AGE_HEADER.length);
    in.reset();
    if (!isEncrypted(head, head.length)) {
      return in;
    }
    if (identities.size() == 0) {
      in.close();
      throw new ReplicaEncryptionException("cannot restore from " + location + ": object " + key + " is encrypted"
          + " with age (ageRecipients, or Litestream's age.recipients) and no identity was given: pass the matching"
          + " identity with Restore...ageIdentities(\"AGE-SECRET-KEY-1...\") or ageIdentityFile(path)", key, null);
    }
    try {
      return new Checked(key, Channels.newInputStream(FACTORY.newDecryptingChannel(Channels.newChannel(in),
          identities.readers())));
    } catch (UnsupportedRecipientStanzaException e) {
      in.close();
      throw new ReplicaEncryptionException("cannot restore from " + location + ": object " + key + " is encrypted"
          + " with age for other recipients: none of the " + identities + " given matches; pass the identity whose"
          + " recipient (age1...) the replica was written with", key, null);
    } catch (GeneralSecurityException e) {
      in.close();
      throw RestoreErrors.damaged(location, key, "its age header cannot be read (" + e.getMessage() + "): it was"
          + " changed after it was written", null);
    } catch (IOException e) {
      in.close();
      throw damagedUnlessDownload(key, e);
    }
  }

  /** A failure of the download itself passes; anything else is damage of the object. */
  private IOException damagedUnlessDownload(String key, IOException e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof RestoreFetcher.SourceFailed) {
        return e;
      }
    }
    throw RestoreErrors.damaged(location, key, "it cannot be decrypted (" + e.getMessage() + "): age"
        + " authentication failed, it was changed or truncated after it was written", e);
  }

  /** Turns decryption failures while reading into damage naming the object. */
  private final class Checked extends FilterInputStream {
    private final String key;

    Checked(String key, InputStream in) {
      super(in);
      this.key = key;
    }

    @Override
    public int read() throws IOException {
      try {
        return super.read();
      } catch (IOException e) {
        throw damagedUnlessDownload(key, e);
      }
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      try {
        return super.read(b, off, len);
      } catch (IOException e) {
        throw damagedUnlessDownload(key, e);
      }
    }
  }
}
