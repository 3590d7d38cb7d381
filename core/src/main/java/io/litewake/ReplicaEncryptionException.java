package io.litewake;

import java.util.Objects;

/**
 * A restore met an object it cannot decrypt: the object is age-encrypted (a replica written with
 * {@code ageRecipients}, or by Litestream with {@code age.recipients}) and the restore was given no
 * identity, or none of the identities it was given is one of the object's recipients. The message
 * and {@link #key()} name the object; nothing was written to the output path. Give the matching
 * identity with {@link Restore#ageIdentities(String...)} or {@link Restore#ageIdentityFile}.
 * (An object whose encryption is damaged is a {@link ReplicaDamagedException}.)
 */
public class ReplicaEncryptionException extends LitewakeException {

  private static final long serialVersionUID = 1L;

  /** The key of the object that could not be decrypted. */
  private final String key;

  /**
   * Creates an exception naming the object.
   *
   * @param message what is wrong, naming {@code key}, and what to do about it (never a key)
   * @param key the object's key, relative to the replica location
   * @param cause the underlying failure, or {@code null}
   * @throws NullPointerException if {@code key} is null
   */
  public ReplicaEncryptionException(String message, String key, Throwable cause) {
    super(message, cause);
    this.key = Objects.requireNonNull(key, "key");
  }

  /**
   * The object that could not be decrypted.
   *
   * @return its key relative to the replica location
   */
  public String key() {
    return key;
  }
}
