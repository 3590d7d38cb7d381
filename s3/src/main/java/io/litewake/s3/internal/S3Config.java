package io.litewake.s3.internal;

import java.net.URI;
import java.util.List;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3AsyncClient;
import software.amazon.awssdk.services.s3.model.StorageClass;

/**
 * The checked, complete configuration of one S3 replica, defaults applied: what {@link
 * S3Settings#resolve()} hands to the parts.
 *
 * @param location where the replica lives, secrets masked
 * @param bucket the bucket name or access point ARN
 * @param keyPrefix the key prefix with its trailing {@code /}, or empty for the bucket root
 * @param arn the access point, or {@code null}
 * @param client the caller's client, or {@code null} to build one
 * @param credentials the credentials of a built client, or {@code null} for the default chain
 * @param accessKeyDescription the static access key, masked, or {@code null}
 * @param region the region a built client signs for, or {@code null} with the caller's client
 * @param endpoint a custom endpoint, or {@code null} for AWS
 * @param forcePathStyle path-style addressing as set, or {@code null} for the default
 * @param snapshotStorageClass the storage class of snapshots, or {@code null}
 * @param walStorageClass the storage class of WAL segments, or {@code null}
 * @param sse the server-side encryption
 * @param objectLock the Object Lock retention of every upload, or {@code null}
 * @param partSize the multipart part size and download range size
 * @param uploadConcurrency the requests of one upload in flight at once
 * @param downloadConcurrency the ranges of one download in flight at once
 * @param maxAttempts the attempts of one request, retries included
 * @param interceptors extra interceptors of a built client (tests)
 */
public record S3Config(
    String location,
    String bucket,
    String keyPrefix,
    AccessPointArn arn,
    S3AsyncClient client,
    AwsCredentialsProvider credentials,
    String accessKeyDescription,
    Region region,
    URI endpoint,
    Boolean forcePathStyle,
    StorageClass snapshotStorageClass,
    StorageClass walStorageClass,
    SseSettings sse,
    ObjectLock objectLock,
    long partSize,
    int uploadConcurrency,
    int downloadConcurrency,
    int maxAttempts,
    List<ExecutionInterceptor> interceptors) {

  /**
   * The configuration of the replica under {@code name/} of this one: the same bucket, client
   * settings and options, the key prefix and the location one level deeper.
   *
   * @param name one path segment
   * @return the child's configuration
   */
  public S3Config child(String name) {
    int q = location.indexOf('?');
    String base = q < 0 ? location : location.substring(0, q);
    String childLocation = (base.endsWith("/") ? base : base + "/") + name + (q < 0 ? "" : location.substring(q));
    return new S3Config(childLocation, bucket, keyPrefix + name + "/", arn, client, credentials, accessKeyDescription,
        region, endpoint, forcePathStyle, snapshotStorageClass, walStorageClass, sse, objectLock, partSize,
        uploadConcurrency,
        downloadConcurrency, maxAttempts, interceptors);
  }
}
