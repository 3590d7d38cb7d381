package io.litewake.internal;

import io.litewake.LitewakeException;
import io.litewake.Snapshot;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

/**
 * Writes a snapshot into the database file being restored, in one pass as its bytes arrive:
 * decrypt if encrypted, decompress, check that it is a SQLite database of whole pages, write.
 * Stateless.
 */
final class SnapshotApplier {
  private SnapshotApplier() {}

  /**
   * Writes the snapshot at the start of {@code db}.
   *
   * @param decoder decrypts and decompresses the replica's objects
   * @param location the replica, for messages
   * @param compressed the stored bytes; closed here
   * @return the database page size
   * @throws RestoreFetcher.SourceFailed if the download broke off (the content may be sound)
   * @throws RestoreOutput.WriteFailed if {@code db} cannot be written
   * @throws io.litewake.ReplicaDamagedException if the content is damaged
   * @throws io.litewake.ReplicaEncryptionException if it is encrypted and no identity matches
   */
  static int apply(ObjectDecoder decoder, String location, Snapshot s, InputStream compressed, FileChannel db)
      throws IOException {
    long written = 0;
    int pageSize = 0;
    try (InputStream in = decoder.open(s.key(), s.compression(), compressed)) {
      byte[] buf = new byte[1 << 20];
      while (true) {
        int n = in.readNBytes(buf, 0, buf.length);
        if (written == 0) {
          if (n < 100 || !DbFiles.isSqliteHeader(buf)) {
            throw RestoreErrors.damaged(location, s.key(), "it does not hold a SQLite database (bad header)", null);
          }
          pageSize = DbFiles.pageSize(buf);
        }
        if (n <= 0) {
          break;
        }
        RestoreOutput.write(db, ByteBuffer.wrap(buf, 0, n), written);
        written += n;
        if (n < buf.length) {
          break;
        }
      }
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
    if (written % pageSize != 0) {
      throw RestoreErrors.damaged(location, s.key(),
          "its size " + written + " is not a multiple of the page size " + pageSize, null);
    }
    return pageSize;
  }
}
