package dev.tideline.benchmarks.compare;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ProducerComparisonTest {
  @Test
  void theFloorPacksTheEventsBytesIntoFullRecordsOfOneMebibyte() {
    // 200,000,000 bytes: 190 full records of 41 units each, and 770,560 bytes in 31 units.
    assertThat(ProducerComparison.floorUnits(1_000_000L * 200)).isEqualTo(190 * 41 + 31);
    assertThat(ProducerComparison.floorUnits(1 << 20)).isEqualTo(41);
    assertThat(ProducerComparison.floorUnits(25 * 1024 + 1)).isEqualTo(2);
  }

  @Test
  void producersAreNamedOnTheCommandLineAsInTheReadme() {
    assertThat(Producer.of("sdk-batch500")).isEqualTo(Producer.SDK_BATCH);
    assertThat(Producer.TIDELINE.aggregates()).isTrue();
    assertThat(Producer.SDK_SINGLE.aggregates()).isFalse();
  }
}
