/**
 * Implementation: WAL format and scanning, the replication engine, restore, codecs and age
 * encryption, retention and kept restore points, rate limiting, the spool and the {@code file:}
 * replica. Not an API: anything here may change in any release.
 */
package io.litewake.internal;
