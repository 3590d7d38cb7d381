package io.litewake.s3.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Base64;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.HeadObjectRequest;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.ServerSideEncryption;
import software.amazon.awssdk.services.s3.model.UploadPartRequest;

/** One place sets the encryption headers every request kind takes, and only those. */
class SseSettingsTest {

  @Test
  void kmsGoesOnWritesOnly() {
    SseSettings kms = SseSettings.kms("alias/k");
    PutObjectRequest put = kms.apply(PutObjectRequest.builder().bucket("b").key("k")).build();
    assertThat(put.serverSideEncryption()).isEqualTo(ServerSideEncryption.AWS_KMS);
    assertThat(put.ssekmsKeyId()).isEqualTo("alias/k");
    assertThat(put.sseCustomerKey()).isNull();
    GetObjectRequest get = kms.apply(GetObjectRequest.builder().bucket("b").key("k")).build();
    assertThat(get.sseCustomerAlgorithm()).isNull();
    assertThat(kms.etagIsMd5()).isFalse();
    assertThat(kms).hasToString("SSE-KMS (alias/k)");
    assertThat(SseSettings.kms(null)).hasToString("SSE-KMS");
    PutObjectRequest s3 = SseSettings.s3().apply(PutObjectRequest.builder()).build();
    assertThat(s3.serverSideEncryption()).isEqualTo(ServerSideEncryption.AES256);
    assertThat(s3.ssekmsKeyId()).isNull();
    assertThat(SseSettings.s3().etagIsMd5()).isTrue();
  }

  @Test
  void aCustomerKeyGoesOnEveryRequestKindAndNeverIntoToString() throws Exception {
    byte[] key = new byte[32];
    key[3] = 9;
    String b64 = Base64.getEncoder().encodeToString(key);
    String md5 = Base64.getEncoder().encodeToString(java.security.MessageDigest.getInstance("MD5").digest(key));
    SseSettings c = SseSettings.customerKey(key);
    PutObjectRequest put = c.apply(PutObjectRequest.builder()).build();
    GetObjectRequest get = c.apply(GetObjectRequest.builder()).build();
    HeadObjectRequest head = c.apply(HeadObjectRequest.builder()).build();
    UploadPartRequest part = c.apply(UploadPartRequest.builder()).build();
    assertThat(put.serverSideEncryption()).isNull();
    assertThat(java.util.List.of(put.sseCustomerKey(), get.sseCustomerKey(), head.sseCustomerKey(), part.sseCustomerKey()))
        .containsOnly(b64);
    assertThat(java.util.List.of(put.sseCustomerKeyMD5(), get.sseCustomerKeyMD5(), head.sseCustomerKeyMD5(),
        part.sseCustomerKeyMD5())).containsOnly(md5);
    assertThat(java.util.List.of(put.sseCustomerAlgorithm(), get.sseCustomerAlgorithm(), head.sseCustomerAlgorithm(),
        part.sseCustomerAlgorithm())).containsOnly("AES256");
    assertThat(c.etagIsMd5()).isFalse();
    assertThat(c.toString()).isEqualTo("SSE-C").doesNotContain(b64);
    assertThat(SseSettings.NONE.apply(GetObjectRequest.builder()).build().sseCustomerKey()).isNull();
    assertThat(SseSettings.NONE.isSet()).isFalse();
  }
}
