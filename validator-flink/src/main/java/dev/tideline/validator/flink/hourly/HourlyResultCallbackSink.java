package dev.tideline.validator.flink.hourly;

import java.io.IOException;
import java.util.Objects;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;

/**
 * Calls an {@link HourlyResultListener} with each hourly result, made into its report as the report
 * files have it ({@link HourlyReport}):
 *
 * <pre>{@code
 * results.sinkTo(HourlyResultCallbackSink.of("stream clickstream", false, report -> alert(report)))
 *     .name("alerts");
 * }</pre>
 *
 * <p>The listener is called in the sink's task, so a slow listener holds the job back (and its
 * checkpoints). An exception from it fails the job with the result named; after the restart the
 * result comes again (at least once). At the job's parallelism the sink receives an hour's hot,
 * updated and cold results in that order, from one instance; its too-late results may reach
 * another.
 *
 * <p>Immutable and serializable.
 */
public final class HourlyResultCallbackSink implements Sink<HourlyResult> {
  private static final long serialVersionUID = 1L;

  private final String source;
  private final boolean showPii;
  private final HourlyResultListener listener;

  private HourlyResultCallbackSink(String source, boolean showPii, HourlyResultListener listener) {
    this.source = source;
    this.showPii = showPii;
    this.listener = listener;
  }

  /**
   * A sink calling the listener.
   *
   * @param source what was read, for each report's {@code source}: {@code stream clickstream}
   * @param showPii whether reports show values of fields tagged as personal data
   * @param listener called with each result; serializable
   */
  public static HourlyResultCallbackSink of(
      String source, boolean showPii, HourlyResultListener listener) {
    return new HourlyResultCallbackSink(
        Objects.requireNonNull(source, "source"),
        showPii,
        Objects.requireNonNull(listener, "listener"));
  }

  @Override
  public SinkWriter<HourlyResult> createWriter(WriterInitContext context) {
    return new Writer();
  }

  private final class Writer implements SinkWriter<HourlyResult> {
    @Override
    public void write(HourlyResult result, Context context)
        throws IOException, InterruptedException {
      HourlyReport report = HourlyReport.of(result, source, showPii);
      try {
        listener.onResult(report);
      } catch (InterruptedException e) {
        throw e;
      } catch (Exception e) {
        throw new IOException(
            "the HourlyResultListener "
                + listener.getClass().getName()
                + " failed on the "
                + result.kind().id()
                + " result (revision "
                + result.revision()
                + ") of hour "
                + result.hourText()
                + ": "
                + e,
            e);
      }
    }

    @Override
    public void flush(boolean endOfInput) {}

    @Override
    public void close() {}
  }
}
