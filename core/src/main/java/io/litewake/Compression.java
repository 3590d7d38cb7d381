package io.litewake;

/** How snapshots and WAL segments are compressed in the replica. */
public enum Compression {
  /**
   * A zstd frame with content checksum ({@code .zst}): smaller objects, the default. Litestream
   * v0.3 cannot read it.
   */
  ZSTD("zst"),
  /**
   * The LZ4 frame format ({@code .lz4}), as Litestream v0.3 writes and reads it: choose it to keep
   * the replica restorable with {@code litestream restore}.
   */
  LZ4("lz4");

  private final String extension;

  Compression(String extension) {
    this.extension = extension;
  }

  /**
   * The file name extension of objects in this format, without the dot.
   *
   * @return {@code zst} or {@code lz4}
   */
  public String extension() {
    return extension;
  }

  /**
   * The compression whose extension is {@code extension}.
   *
   * @param extension {@code zst} or {@code lz4}
   * @return the compression, or {@code null} if none has that extension
   */
  public static Compression forExtension(String extension) {
    for (Compression c : values()) {
      if (c.extension.equals(extension)) {
        return c;
      }
    }
    return null;
  }
}
