package dev.tideline.validator.flink.hourly;

import org.apache.flink.api.common.serialization.SimpleStringEncoder;
import org.apache.flink.connector.file.sink.FileSink;
import org.apache.flink.core.fs.Path;
import org.apache.flink.core.io.SimpleVersionedSerializer;
import org.apache.flink.streaming.api.functions.sink.filesystem.BucketAssigner;
import org.apache.flink.streaming.api.functions.sink.filesystem.OutputFileConfig;
import org.apache.flink.streaming.api.functions.sink.filesystem.bucketassigners.SimpleVersionedStringSerializer;
import org.jspecify.annotations.Nullable;

/**
 * Flink's {@link FileSink} for the quarantine lines of {@link
 * HourlyValidation.Streams#quarantine()}: one JSON object per line, in part files under {@code
 * <base>/hour=2026-11-30T14/} by the records' arrival hour, named {@code
 * quarantine-<uid>-<subtask>-<n>.jsonl}. Files are committed with checkpoints (and at the end of a
 * bounded run): a finished file holds each line once, also after a restore; in-progress and pending
 * files are hidden (their names start with a dot).
 */
public final class QuarantineSink {
  private QuarantineSink() {}

  /**
   * A sink writing under a base folder.
   *
   * @param base a folder path or URI ({@code file:///quarantine}, {@code s3://bucket/quarantine})
   */
  public static FileSink<String> to(String base) {
    return FileSink.forRowFormat(new Path(base), new SimpleStringEncoder<String>("UTF-8"))
        .withBucketAssigner(new ArrivalHour())
        .withOutputFileConfig(
            OutputFileConfig.builder()
                .withPartPrefix("quarantine")
                .withPartSuffix(".jsonl")
                .build())
        .build();
  }

  /** The bucket of a line: its record's arrival hour, which the line's timestamp carries. */
  static final class ArrivalHour implements BucketAssigner<String, String> {
    private static final long serialVersionUID = 1L;

    @Override
    public String getBucketId(String line, Context context) {
      @Nullable Long timestamp = context.timestamp();
      if (timestamp == null) {
        throw new IllegalStateException(
            "a quarantine line without its record's arrival time: give the source a watermark"
                + " strategy, so that records carry their timestamps");
      }
      return HourlyResult.folderOf(timestamp);
    }

    @Override
    public SimpleVersionedSerializer<String> getSerializer() {
      return SimpleVersionedStringSerializer.INSTANCE;
    }
  }
}
