package dev.tideline.validator.source;

import dev.tideline.validator.ValidationReport;
import java.io.IOException;
import java.util.Collections;
import java.util.List;
import java.util.function.Consumer;

/**
 * Where records come from: a Kinesis stream ({@link KinesisStreamReader}) or files of records
 * ({@link RecordFileSource}).
 */
public interface RecordSource {
  /**
   * Reads records, in order per shard, handing each to {@code consumer} on the calling thread,
   * until the source's end (or forever, for a continuous stream read, until the thread is
   * interrupted).
   *
   * @throws IOException if the source cannot be read
   * @throws InterruptedException if the thread was interrupted while waiting for the read budget
   */
  void read(Consumer<SourceRecord> consumer) throws IOException, InterruptedException;

  /**
   * What the last {@link #read} had to skip: torn tails and corrupt regions of files; empty for
   * sources that have no such damage.
   */
  default List<ValidationReport.SourceDamage> damage() {
    return Collections.emptyList();
  }

  /** What is read, for reports: "stream orders (us-east-1)", "files a.tlrf, b.tlrf". */
  String describe();
}
