package dev.tideline.validator.flink;

import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.MiniClusterExtension;

/** The Flink clusters the tests run their jobs on. */
public final class MiniClusters {
  private MiniClusters() {}

  /**
   * A cluster of one task manager with {@code slots} slots, for jobs of that parallelism; register
   * it in a static field with {@code @RegisterExtension}.
   */
  public static MiniClusterExtension oneTaskManager(int slots) {
    return new MiniClusterExtension(
        new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1)
            .setNumberSlotsPerTaskManager(slots)
            .build());
  }
}
