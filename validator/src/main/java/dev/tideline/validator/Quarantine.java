package dev.tideline.validator;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.jspecify.annotations.Nullable;

/**
 * Writes bad events to a file, one JSON object per line, as {@link QuarantineLines} makes them. The
 * line format is specified in docs/formats/validation-report.md.
 *
 * <p>Not thread-safe.
 */
public final class Quarantine implements AutoCloseable {
  private final Writer out;
  private final QuarantineLines lines;
  private long written;

  private Quarantine(Writer out, QuarantineLines lines) {
    this.out = out;
    this.lines = lines;
  }

  /**
   * A quarantine file, created or truncated.
   *
   * @param validator the validator that produced the results, to mask personal fields
   * @param showPii whether to keep personal data as read
   * @throws IOException if the file cannot be opened
   */
  public static Quarantine open(Path file, Validator validator, boolean showPii)
      throws IOException {
    return new Quarantine(
        new BufferedWriter(Files.newBufferedWriter(file, StandardCharsets.UTF_8)),
        new QuarantineLines(validator, showPii));
  }

  /**
   * Writes a line per bad event of the record, or one for the record when it is unreadable.
   *
   * @param shardId where the record was read (null for files)
   * @param sequenceNumber the record's sequence number in its shard, or a position in a file
   * @throws UncheckedIOException if the file cannot be written
   */
  public void add(RecordResult result, @Nullable String shardId, String sequenceNumber) {
    try {
      for (String line : lines.of(result, shardId, sequenceNumber)) {
        out.write(line);
        out.write('\n');
        written++;
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the quarantine file", e);
    }
  }

  /** Lines written so far. */
  public long lines() {
    return written;
  }

  @Override
  public void close() throws IOException {
    out.close();
  }
}
