package io.litewake.s3.internal;

import io.litewake.LitewakeException;

/**
 * An S3 access point ARN, {@code arn:PARTITION:s3:REGION:ACCOUNT:accesspoint/NAME}.
 *
 * @param partition the partition, such as {@code aws} or {@code aws-cn}
 * @param region the region of the access point
 * @param account the 12-digit account id
 * @param name the access point name
 */
public record AccessPointArn(String partition, String region, String account, String name) {

  /**
   * Validates and creates an ARN.
   *
   * @param partition the partition
   * @param service the service, which must be {@code s3}
   * @param region the region
   * @param account the account id
   * @param name the access point name
   * @param where the URI it came from, masked, for messages
   * @return the ARN
   * @throws LitewakeException naming the bad part
   */
  public static AccessPointArn of(
      String partition, String service, String region, String account, String name, String where) {
    if (!partition.matches("aws(-[a-z]+)*")) {
      throw new LitewakeException("bad partition '" + partition + "' in access point ARN of " + where);
    }
    if (!service.equals("s3")) {
      throw new LitewakeException(
          "access point ARN of "
              + where
              + " names service '"
              + service
              + "'; only 's3' access points are supported");
    }
    if (!region.matches("[a-z]{2}(-[a-z]+)+-\\d+")) {
      throw new LitewakeException(
          "bad region '" + region + "' in access point ARN of " + where
              + " (expected e.g. us-east-1)");
    }
    if (!account.matches("\\d{12}")) {
      throw new LitewakeException(
          "bad account id '" + account + "' in access point ARN of " + where
              + " (expected 12 digits)");
    }
    if (!name.matches("[a-z0-9]([a-z0-9-]{1,48}[a-z0-9])?")) {
      throw new LitewakeException(
          "bad access point name '" + name + "' in " + where
              + " (3-50 lower-case letters, digits and '-')");
    }
    return new AccessPointArn(partition, region, account, name);
  }

  /**
   * The ARN as the SDK takes it in place of a bucket name.
   *
   * @return {@code arn:PARTITION:s3:REGION:ACCOUNT:accesspoint/NAME}
   */
  @Override
  public String toString() {
    return "arn:" + partition + ":s3:" + region + ":" + account + ":accesspoint/" + name;
  }
}
