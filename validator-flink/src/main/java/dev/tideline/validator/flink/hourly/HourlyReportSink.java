package dev.tideline.validator.flink.hourly;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.core.fs.FileSystem;
import org.apache.flink.core.fs.Path;

/**
 * Writes each hourly result as the validator's JSON report to {@code
 * <base>/hour=2026-11-30T14/report-hot.json} ({@code report-updated-<n>.json}, {@code
 * report-cold.json}, {@code report-too-late-<n>.json}) on any file system Flink knows (local, S3,
 * HDFS). A file is written under a temporary name and then renamed, so readers never see half a
 * report; a result emitted again after a restore from a checkpoint overwrites its file with the
 * same counts.
 *
 * <p>For a Kinesis stream beside the files see {@link HourlyReportStreamSink}; for alerting code,
 * {@link HourlyResultCallbackSink}. All three make the JSON with {@link HourlyReport}.
 */
public final class HourlyReportSink implements Sink<HourlyResult> {
  private static final long serialVersionUID = 1L;

  private final String base;
  private final String source;
  private final boolean showPii;

  /**
   * A sink writing under a base folder.
   *
   * @param base a folder path or URI ({@code file:///reports}, {@code s3://bucket/reports})
   * @param source what was read, for each report's {@code source}
   * @param showPii whether reports show values of fields tagged as personal data
   */
  public HourlyReportSink(String base, String source, boolean showPii) {
    this.base = Objects.requireNonNull(base, "base");
    this.source = Objects.requireNonNull(source, "source");
    this.showPii = showPii;
  }

  @Override
  public SinkWriter<HourlyResult> createWriter(WriterInitContext context) {
    return new Writer();
  }

  private final class Writer implements SinkWriter<HourlyResult> {
    @Override
    public void write(HourlyResult result, Context context) throws IOException {
      Path folder = new Path(new Path(base), result.folderName());
      Path file = new Path(folder, result.fileName());
      Path temporary = new Path(folder, "." + result.fileName() + ".tmp");
      FileSystem fs = file.getFileSystem();
      fs.mkdirs(folder);
      byte[] json =
          HourlyReport.of(result, source, showPii).json().getBytes(StandardCharsets.UTF_8);
      try (OutputStream out = fs.create(temporary, FileSystem.WriteMode.OVERWRITE)) {
        out.write(json);
      }
      if (fs.exists(file)) {
        fs.delete(file, false);
      }
      if (!fs.rename(temporary, file)) {
        throw new IOException("could not rename " + temporary + " to " + file);
      }
    }

    @Override
    public void flush(boolean endOfInput) {}

    @Override
    public void close() {}
  }
}
