package io.litewake.s3.internal;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import software.amazon.awssdk.services.s3.model.Delete;
import software.amazon.awssdk.services.s3.model.DeleteObjectsRequest;
import software.amazon.awssdk.services.s3.model.DeleteObjectsResponse;
import software.amazon.awssdk.services.s3.model.ObjectIdentifier;
import software.amazon.awssdk.services.s3.model.S3Error;

/**
 * Deletes keys with {@code DeleteObjects}, {@value #BATCH} keys per request, quietly: a key that
 * does not exist counts as deleted (also on stores that report it as an error), a denied delete
 * names the action to grant. Safe for any thread.
 */
public final class BatchDelete {

  /** Keys per {@code DeleteObjects} request, the most S3 takes. */
  public static final int BATCH = 1000;

  private final S3Access access;

  /**
   * Creates the batch delete of one replica.
   *
   * @param access its place in the bucket
   */
  public BatchDelete(S3Access access) {
    this.access = access;
  }

  /**
   * Deletes replica keys; all are checked before the first request.
   *
   * @param keys the replica keys
   * @throws AccessDeniedException if {@code s3:DeleteObject} is not granted
   * @throws IOException if the store fails to delete a key that exists
   */
  public void delete(Collection<String> keys) throws IOException {
    if (keys == null) {
      throw new IllegalArgumentException("keys must not be null");
    }
    List<String> all = new ArrayList<>(keys.size());
    for (String k : keys) {
      all.add(access.full(k));
    }
    for (int i = 0; i < all.size(); i += BATCH) {
      List<ObjectIdentifier> batch = new ArrayList<>();
      for (String full : all.subList(i, Math.min(all.size(), i + BATCH))) {
        batch.add(ObjectIdentifier.builder().key(full).build());
      }
      deleteBatch(batch);
    }
  }

  private void deleteBatch(List<ObjectIdentifier> batch) throws IOException {
    DeleteObjectsRequest req = DeleteObjectsRequest.builder().bucket(access.bucket())
        .delete(Delete.builder().objects(batch).quiet(true).build()).build();
    String first = access.where(batch.get(0).key())
        + (batch.size() > 1 ? " and " + (batch.size() - 1) + " more" : "");
    software.amazon.awssdk.services.s3.S3Client sync = access.sync();
    DeleteObjectsResponse resp = sync != null ? access.call(() -> sync.deleteObjects(req), "s3:DeleteObject", first)
        : access.await(access.plain().deleteObjects(req), "s3:DeleteObject", first);
    if (!resp.hasErrors() || resp.errors().isEmpty()) {
      return;
    }
    String failed = resp.errors().size() > 1 ? " (" + resp.errors().size() + " keys failed)" : "";
    S3Error e = resp.errors().get(0);
    if ("AccessDenied".equals(e.code())) {
      String what = access.where(e.key());
      throw new AccessDeniedException(what, null,
          "access denied: s3:DeleteObject on " + what + " is not allowed for "
              + access.context().accessKeyDescription() + "; grant s3:DeleteObject on the replica"
              + " prefix (S3IamPolicy.replicate(uri) prints the minimal policy)" + failed);
    }
    for (S3Error err : resp.errors()) {
      if ("NoSuchKey".equals(err.code())) {
        continue;
      }
      // some stores (s3mock) fail to delete a key that does not exist: that is success
      try {
        access.head(err.key());
      } catch (NoSuchFileException gone) {
        continue;
      }
      throw new IOException("s3:DeleteObject on " + access.where(err.key()) + " failed: " + err.code()
          + ": " + err.message() + failed);
    }
  }
}
