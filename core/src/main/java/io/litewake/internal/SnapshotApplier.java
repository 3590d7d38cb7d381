package io.litewake.internal;

import io.litewake.LitewakeException;
import io.litewake.Snapshot;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;

/**
 * Writes a snapshot into the database file being restored, in one pass as its bytes arrive:
 * decrypt if encrypted, decompress, check that it is a SQLite database of whole pages, write (on a
 * {@link BackgroundWriter}'s thread, while the next megabyte is decoded). Stateless.
 */
final class SnapshotApplier {
  private SnapshotApplier() {}

  /**
   * Writes the snapshot at the start of {@code db}.
   *
   * @param decoder decrypts and decompresses the replica's objects
   * @param location the replica, for messages
   * @param compressed the stored bytes; closed here
   * @param pageSize told the page size as soon as the header is read
   * @return the database page size
   * @throws RestoreFetcher.SourceFailed if the download broke off (the content may be sound)
   * @throws RestoreOutput.WriteFailed if {@code db} cannot be written
   * @throws io.litewake.ReplicaDamagedException if the content is damaged
   * @throws io.litewake.ReplicaEncryptionException if it is encrypted and no identity matches
   */
  static int apply(ObjectDecoder decoder, String location, Snapshot s, InputStream compressed, FileChannel db,
      java.util.function.IntConsumer pageSize) throws IOException {
    long written = 0;
    int size = 0;
    try (InputStream in = decoder.open(s.key(), s.compression(), compressed);
        BackgroundWriter out = new BackgroundWriter(db, s.key().substring(s.key().lastIndexOf('/') + 1))) {
      while (true) {
        byte[] buf = out.buffer();
        int n = in.readNBytes(buf, 0, buf.length);
        if (written == 0) {
          if (n < 100 || !DbFiles.isSqliteHeader(buf)) {
            out.recycle(buf);
            throw RestoreErrors.damaged(location, s.key(), "it does not hold a SQLite database (bad header)", null);
          }
          size = DbFiles.pageSize(buf);
          pageSize.accept(size);
        }
        if (n <= 0) {
          out.recycle(buf);
          break;
        }
        out.submit(buf, n, written); // written by the writer thread while the next buffer is decoded
        written += n;
        if (n < buf.length) {
          break;
        }
      }
      out.finish();
    } catch (LitewakeException | RestoreFetcher.SourceFailed | RestoreOutput.WriteFailed e) {
      throw e;
    } catch (IOException | RuntimeException e) {
      for (Throwable c = e.getCause(); c != null; c = c.getCause()) {
        if (c instanceof RestoreFetcher.SourceFailed f) {
          throw f; // a decoder that wrapped the download's failure
        }
      }
      throw RestoreErrors.damaged(location, s.key(), "it cannot be decompressed (" + e.getMessage() + ")", e);
    } finally {
      compressed.close();
    }
    if (written % size != 0) {
      throw RestoreErrors.damaged(location, s.key(),
          "its size " + written + " is not a multiple of the page size " + size, null);
    }
    return size;
  }
}
