package io.litewake;

/**
 * What SQLite check a restore runs on the assembled database before it moves it into place
 * ({@link Restore#integrityCheck(IntegrityCheck)}). Every byte read from the replica is verified
 * either way (frame checksums and salts, commit boundaries, contiguity, compression checksums); the
 * SQLite check looks at the result as a database: b-tree structure, page usage, and (full only)
 * indexes against their tables.
 */
public enum IntegrityCheck {
  /** {@code PRAGMA integrity_check}: also checks every index against its table and UNIQUE and NOT NULL constraints. */
  FULL,
  /**
   * {@code PRAGMA quick_check}: the b-tree structure and page usage of every table and index, in
   * time linear in the database size, without comparing indexes with their tables.
   */
  QUICK,
  /** No SQLite check: only the checksums of what was read. */
  NONE
}
