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

  /**
   * Writes a report file under a temporary name, then renames it, replacing an earlier one: readers
   * never see half a report.
   */
  static void writeFile(Path folder, String fileName, String json) throws IOException {
    Path file = new Path(folder, fileName);
    Path temporary = new Path(folder, "." + fileName + ".tmp");
    FileSystem fs = file.getFileSystem();
    fs.mkdirs(folder);
    try (OutputStream out = fs.create(temporary, FileSystem.WriteMode.OVERWRITE)) {
      out.write(json.getBytes(StandardCharsets.UTF_8));
    }
    if (fs.exists(file)) {
      fs.delete(file, false);
    }
    if (!fs.rename(temporary, file)) {
      throw new IOException("could not rename " + temporary + " to " + file);
    }
  }

  private final class Writer implements SinkWriter<HourlyResult> {
    @Override
    public void write(HourlyResult result, Context context) throws IOException {
      writeFile(
          new Path(new Path(base), result.folderName()),
          result.fileName(),
          HourlyReport.of(result, source, showPii).json());
    }

    @Override
    public void flush(boolean endOfInput) {}

    @Override
    public void close() {}
  }
}
