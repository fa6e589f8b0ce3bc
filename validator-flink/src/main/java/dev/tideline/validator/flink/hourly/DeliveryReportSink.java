package dev.tideline.validator.flink.hourly;

import java.io.IOException;
import java.util.Objects;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.core.fs.Path;

/**
 * Writes each delivery result as the validator's delivery report to {@code
 * <base>/delivery/report-as-of-2026-11-30T15.json} on any file system Flink knows, as {@link
 * HourlyReportSink} writes the hourly reports: under a temporary name, then renamed.
 */
public final class DeliveryReportSink implements Sink<DeliveryResult> {
  private static final long serialVersionUID = 1L;

  private final String base;
  private final String source;

  /**
   * A sink writing under a base folder (the hourly reports' folder: it writes to {@code delivery/}
   * in it).
   *
   * @param base a folder path or URI ({@code file:///reports}, {@code s3://bucket/reports})
   * @param source what was read, for each report's {@code source}
   */
  public DeliveryReportSink(String base, String source) {
    this.base = Objects.requireNonNull(base, "base");
    this.source = Objects.requireNonNull(source, "source");
  }

  @Override
  public SinkWriter<DeliveryResult> createWriter(WriterInitContext context) {
    return new SinkWriter<>() {
      @Override
      public void write(DeliveryResult result, Context context) throws IOException {
        HourlyReportSink.writeFile(
            new Path(new Path(base), "delivery"), result.fileName(), result.json(source));
      }

      @Override
      public void flush(boolean endOfInput) {}

      @Override
      public void close() {}
    };
  }
}
