package io.litewake.cli;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Rewrites the advice in library messages, which names Java methods, into the command line's
 * terms (its flags and commands). Stateless.
 */
final class Messages {
  private static final Map<String, String> API_TO_FLAGS = new LinkedHashMap<>();

  static {
    API_TO_FLAGS.put("call ifReplicaExists() to start empty", "pass --if-replica-exists to succeed without a restore");
    API_TO_FLAGS.put("call overwrite() to replace it, or ifDatabaseMissing() to keep it",
        "remove it first, or pass --if-db-not-exists to keep it");
    API_TO_FLAGS.put("(Restore.list() shows what exists)", "('litewake list URI' shows what exists)");
    API_TO_FLAGS.put("Restore.list()", "'litewake list URI'");
    API_TO_FLAGS.put("ifReplicaExists()", "--if-replica-exists");
    API_TO_FLAGS.put("ifDatabaseMissing()", "--if-db-not-exists");
    API_TO_FLAGS.put("generation(id)", "--generation");
  }

  private Messages() {}

  /** The message with method names replaced by the flags that set them. */
  static String forCommandLine(String message) {
    if (message == null) {
      return "";
    }
    String m = message;
    for (Map.Entry<String, String> e : API_TO_FLAGS.entrySet()) {
      m = m.replace(e.getKey(), e.getValue());
    }
    return m;
  }
}
