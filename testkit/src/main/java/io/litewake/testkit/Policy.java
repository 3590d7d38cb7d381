package io.litewake.testkit;

import io.litewake.testsupport.AccessPolicy;
import java.util.Arrays;
import java.util.Collections;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * An IAM-like policy enforced on the endpoint of an {@link EmbeddedS3}: the S3 actions it allows
 * on the objects under one replica name of the server's bucket. Every other request — another
 * action, a key or list prefix outside the name, another bucket, a bucket-level call such as
 * {@code HeadBucket}, which AWS authorizes as {@code s3:ListBucket} without a prefix — is answered
 * with a real S3 {@code 403 AccessDenied} error, as AWS does
 * under a policy like the ones {@code S3IamPolicy.replicate(uri)} and {@code S3IamPolicy.restore(uri)} print.
 *
 * <pre>{@code
 * s3.policy(Policy.replicate("orders"));                            // what replication needs
 * s3.policy(Policy.restore("orders"));                              // list and read only
 * s3.policy(Policy.replicate("orders").without(Policy.DELETE_OBJECT)); // no retention deletes
 * }</pre>
 *
 * <p>Immutable. Actions are IAM action names; requests map to them as IAM does: {@code
 * ListObjectsV2} needs {@value #LIST_BUCKET} (and its {@code prefix} must be under the name),
 * {@code GetObject}/{@code HeadObject} need {@value #GET_OBJECT}, {@code PutObject} and the
 * multipart upload calls need {@value #PUT_OBJECT}, {@code DeleteObject}/{@code DeleteObjects}
 * need {@value #DELETE_OBJECT}.
 */
public final class Policy {
  /** {@code s3:ListBucket}: listing keys under a prefix. */
  public static final String LIST_BUCKET = AccessPolicy.LIST_BUCKET;
  /** {@code s3:GetObject}: reading an object or its metadata. */
  public static final String GET_OBJECT = AccessPolicy.GET_OBJECT;
  /** {@code s3:PutObject}: writing an object, including multipart uploads. */
  public static final String PUT_OBJECT = AccessPolicy.PUT_OBJECT;
  /** {@code s3:DeleteObject}: deleting objects. */
  public static final String DELETE_OBJECT = AccessPolicy.DELETE_OBJECT;
  /** {@code s3:AbortMultipartUpload}: abandoning a multipart upload. */
  public static final String ABORT_MULTIPART_UPLOAD = AccessPolicy.ABORT_MULTIPART_UPLOAD;

  private final String name;
  private final Set<String> actions;

  private Policy(String name, Set<String> actions) {
    this.name = name;
    this.actions = Collections.unmodifiableSet(new TreeSet<>(actions));
  }

  /**
   * What replication needs: list, read, write and delete under {@code name}.
   *
   * @param name the replica name, as given to {@code uri(name)}
   * @return the policy
   * @throws IllegalArgumentException if the name is not a valid replica name
   */
  public static Policy replicate(String name) {
    return allow(name, LIST_BUCKET, GET_OBJECT, PUT_OBJECT, DELETE_OBJECT);
  }

  /**
   * What restoring needs: list and read under {@code name}.
   *
   * @param name the replica name, as given to {@code uri(name)}
   * @return the policy
   * @throws IllegalArgumentException if the name is not a valid replica name
   */
  public static Policy restore(String name) {
    return allow(name, LIST_BUCKET, GET_OBJECT);
  }

  /**
   * Exactly the given actions under {@code name}.
   *
   * @param name the replica name, as given to {@code uri(name)}
   * @param actions IAM action names such as {@value #GET_OBJECT}; may be none (deny everything)
   * @return the policy
   * @throws IllegalArgumentException if the name is not valid or an action does not look like
   *     {@code s3:Name}
   */
  public static Policy allow(String name, String... actions) {
    Names.requireValid(name);
    Objects.requireNonNull(actions, "actions");
    Set<String> set = new TreeSet<>();
    for (String a : actions) {
      set.add(requireAction(a));
    }
    return new Policy(name, set);
  }

  /**
   * This policy with one more action.
   *
   * @param action an IAM action name such as {@value #ABORT_MULTIPART_UPLOAD}
   * @return a new policy
   */
  public Policy with(String action) {
    Set<String> set = new TreeSet<>(actions);
    set.add(requireAction(action));
    return new Policy(name, set);
  }

  /**
   * This policy without an action.
   *
   * @param action an IAM action name such as {@value #DELETE_OBJECT}
   * @return a new policy
   * @throws IllegalArgumentException if the policy does not allow that action
   */
  public Policy without(String action) {
    requireAction(action);
    if (!actions.contains(action)) {
      throw new IllegalArgumentException("policy does not allow " + action + " (it allows " + actions + ")");
    }
    Set<String> set = new TreeSet<>(actions);
    set.remove(action);
    return new Policy(name, set);
  }

  /**
   * The replica name the policy is scoped to; keys must start with {@code name + "/"}.
   *
   * @return the name
   */
  public String name() {
    return name;
  }

  /**
   * The allowed actions.
   *
   * @return an unmodifiable, sorted set
   */
  public Set<String> actions() {
    return actions;
  }

  /** This policy as the server's front enforces it: the keys under {@code name + "/"} of {@code bucket}. */
  AccessPolicy toAccessPolicy(String bucket) {
    return new AccessPolicy(bucket, name + "/", actions);
  }

  private static String requireAction(String a) {
    Objects.requireNonNull(a, "action");
    if (!a.matches("s3:[A-Za-z]+")) {
      throw new IllegalArgumentException("not an S3 IAM action: '" + a + "' (expected such as "
          + Arrays.asList(LIST_BUCKET, GET_OBJECT, PUT_OBJECT, DELETE_OBJECT) + ")");
    }
    return a;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Policy p && p.name.equals(name) && p.actions.equals(actions);
  }

  @Override
  public int hashCode() {
    return name.hashCode() * 31 + actions.hashCode();
  }

  @Override
  public String toString() {
    return "Policy[" + actions + " on " + name + "/*]";
  }
}
