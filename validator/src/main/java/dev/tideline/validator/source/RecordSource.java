package dev.tideline.validator.source;

import java.io.IOException;
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

  /** What is read, for reports: "stream orders (us-east-1)", "files a.tlrf, b.tlrf". */
  String describe();
}
