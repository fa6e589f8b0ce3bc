package dev.tideline.sdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tideline.sdk.sink.InMemorySink;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class TrackerBuilderTest {
  @Test
  void rejectsANegativeBufferSizeSayingWhichSettingAndValue() {
    assertThatThrownBy(() -> Tracker.builder().maxBufferBytes(-1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("maxBufferBytes must be positive, was -1");
  }

  @Test
  void rejectsRecordSizesOutsideOneToTenMebibytes() {
    assertThatThrownBy(() -> Tracker.builder().maxRecordBytes(1024 * 1024 - 1))
        .hasMessageContaining("maxRecordBytes must be 1 MiB to 10 MiB")
        .hasMessageContaining("1048575");
    assertThatThrownBy(() -> Tracker.builder().maxRecordBytes(10 * 1024 * 1024 + 1))
        .hasMessageContaining("10485761");
  }

  @Test
  void rejectsRequestLimitsAboveTenMebibytesAndMoreThan500Entries() {
    assertThatThrownBy(() -> Tracker.builder().maxRequestBytes(10 * 1024 * 1024 + 1))
        .hasMessageContaining("maxRequestBytes");
    assertThatThrownBy(() -> Tracker.builder().maxRequestEntries(501))
        .hasMessage("maxRequestEntries must be 1 to 500, was 501");
  }

  @Test
  void rejectsARequestLimitBelowTheRecordLimitAtBuild() {
    assertThatThrownBy(
            () ->
                Tracker.builder()
                    .streamName("s")
                    .sink(InMemorySink.create())
                    .maxRecordBytes(2 * 1024 * 1024)
                    .maxRequestBytes(1024 * 1024)
                    .build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("maxRequestBytes (1048576) must be at least maxRecordBytes (2097152)");
  }

  @Test
  void requiresAStreamAndASink() {
    assertThatThrownBy(() -> Tracker.builder().sink(InMemorySink.create()).build())
        .hasMessage("streamName is required");
    assertThatThrownBy(() -> Tracker.builder().streamName("s").build())
        .hasMessage("sink is required");
  }

  @Test
  void rejectsNegativeDurationsAndBadFactors() {
    assertThatThrownBy(() -> Tracker.builder().lingerTime(-5, TimeUnit.MILLISECONDS))
        .hasMessage("lingerTime must not be negative, was -5 MILLISECONDS");
    assertThatThrownBy(() -> Tracker.builder().rateLimitFactor(0))
        .hasMessageContaining("rateLimitFactor must be above 0");
    assertThatThrownBy(() -> Tracker.builder().retryBackoff(10, 5, TimeUnit.MILLISECONDS))
        .hasMessageContaining("0 < base <= max");
    assertThatThrownBy(() -> Tracker.builder().producerId(new byte[15]))
        .hasMessage("producerId must be 16 bytes, was 15 bytes");
  }

  @Test
  void acceptsStreamArnsOfEveryAwsPartition() {
    for (String arn :
        List.of(
            "arn:aws:kinesis:us-east-1:123456789012:stream/events",
            "arn:aws-cn:kinesis:cn-north-1:123456789012:stream/events",
            "arn:aws-us-gov:kinesis:us-gov-west-1:123456789012:stream/payments_v2.prod-1")) {
      assertThat(Tracker.builder().streamName(arn).streamName).isEqualTo(arn);
    }
  }

  @Test
  void rejectsAMalformedStreamArnSayingWhichPartIsWrong() {
    assertThatThrownBy(
            () -> Tracker.builder().streamName("arn:aws:kinesis:us-east-1:12345:stream/events"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "streamName \"arn:aws:kinesis:us-east-1:12345:stream/events\" is not a stream ARN"
                + " (arn:PARTITION:kinesis:REGION:ACCOUNT:stream/NAME): the account must be 12"
                + " digits, was \"12345\"");
    assertThatThrownBy(
            () -> Tracker.builder().streamName("arn:aws:sqs:us-east-1:123456789012:stream/events"))
        .hasMessageEndingWith("the service must be kinesis, was \"sqs\"");
    assertThatThrownBy(
            () -> Tracker.builder().streamName("arn:gcp:kinesis:us-east-1:123456789012:stream/e"))
        .hasMessageEndingWith("the partition must be aws or aws-*, was \"gcp\"");
    assertThatThrownBy(
            () -> Tracker.builder().streamName("arn:aws:kinesis:useast:123456789012:stream/e"))
        .hasMessageEndingWith("the region must look like us-east-1, was \"useast\"");
    assertThatThrownBy(
            () -> Tracker.builder().streamName("arn:aws:kinesis:us-east-1:123456789012:table/e"))
        .hasMessageEndingWith("the resource must be stream/NAME, was \"table/e\"");
    assertThatThrownBy(
            () -> Tracker.builder().streamName("arn:aws:kinesis:us-east-1:123456789012:stream/"))
        .hasMessageContaining("the stream name must have 1 to 128 letters");
    assertThatThrownBy(() -> Tracker.builder().streamName("arn:aws:kinesis:us-east-1"))
        .hasMessageEndingWith("it has 4 of the 6 parts");
  }
}
