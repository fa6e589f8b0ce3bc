package dev.tideline.sdk;

import java.util.Iterator;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.Checksum;

/**
 * The spool's on-disk format, as {@code docs/formats/spool.md} specifies it: the 36-byte header of
 * segments and of the producer file, frames of {@code length | CRC-32C | body} whose body is an
 * event or acknowledged sequence ranges, positions (a segment id and an offset in one long), and
 * big-endian integers. Encoding and checking only; the files are {@link Spool}'s.
 *
 * <p>An instance holds a checksum and is not thread-safe; the static members are.
 */
final class SpoolFormat {
  static final int SEGMENT_MAGIC = 0x544C5347; // "TLSG"
  static final int STATE_MAGIC = 0x544C5354; // "TLST"
  static final int VERSION = 1;
  static final int HEADER_BYTES = 36;
  static final int FRAME_HEADER_BYTES = 8;
  static final byte EVENT = 1;
  static final byte ACK = 2;

  /** The largest frame body: a 10 MiB envelope with room to spare; anything larger is corrupt. */
  static final int MAX_FRAME_BODY = 16 * 1024 * 1024;

  /** The smallest event body: type, sequence, key length, no key and a one-byte envelope. */
  static final int MIN_EVENT_BODY = 1 + 8 + 2 + 1;

  static final int ACK_RANGE_BYTES = 16;

  /** Positions pack a segment id and an offset: the offset takes the low 40 bits. */
  static final int OFFSET_BITS = 40;

  static final long OFFSET_MASK = (1L << OFFSET_BITS) - 1;

  private final Checksum crc;

  SpoolFormat(Checksum crc) {
    this.crc = crc;
  }

  /**
   * The body length of a sound frame at offset (length, checksum, type and layout all hold), or -1.
   */
  int frameLength(byte[] data, int offset, int end) {
    if (end - offset < FRAME_HEADER_BYTES + 1) {
      return -1;
    }
    int length = getInt(data, offset);
    if (length < MIN_EVENT_BODY || length > MAX_FRAME_BODY || length > end - offset - 8) {
      return -1;
    }
    int body = offset + FRAME_HEADER_BYTES;
    byte type = data[body];
    if (type == EVENT) {
      int keyLength = getShort(data, body + 9);
      if (keyLength > length - 11) {
        return -1;
      }
    } else if (type != ACK || (length - 1) % ACK_RANGE_BYTES != 0) {
      return -1;
    }
    if (Crc32c.of(crc, data, body, length) != getInt(data, offset + 4)) {
      return -1;
    }
    return length;
  }

  /** The offset of the next sound frame at or after from, or -1. */
  int resync(byte[] data, int from, int end) {
    for (int offset = from; offset < end - FRAME_HEADER_BYTES; offset++) {
      if (frameLength(data, offset, end) >= 0) {
        return offset;
      }
    }
    return -1;
  }

  static long position(long segmentId, long offset) {
    return (segmentId << OFFSET_BITS) | offset;
  }

  static long segmentOf(long position) {
    return position >>> OFFSET_BITS;
  }

  static long offsetOf(long position) {
    return position & OFFSET_MASK;
  }

  /** The bytes a frame for this event takes on disk. */
  static int frameBytes(int partitionKeyBytes, int bodyBytes) {
    return FRAME_HEADER_BYTES + 1 + 8 + 2 + partitionKeyBytes + bodyBytes;
  }

  /**
   * Writes an event frame at {@code at}; the buffer must have {@link #frameBytes} of room.
   *
   * @return the frame's size
   */
  int writeEvent(
      byte[] buffer, int at, long sequence, byte[] partitionKey, byte[] envelope, int length) {
    int frame = frameBytes(partitionKey.length, length);
    int body = at + FRAME_HEADER_BYTES;
    putInt(buffer, at, frame - FRAME_HEADER_BYTES);
    buffer[body] = EVENT;
    putLong(buffer, body + 1, sequence);
    putShort(buffer, body + 9, partitionKey.length);
    System.arraycopy(partitionKey, 0, buffer, body + 11, partitionKey.length);
    System.arraycopy(envelope, 0, buffer, body + 11 + partitionKey.length, length);
    putInt(buffer, at + 4, Crc32c.of(crc, buffer, body, frame - FRAME_HEADER_BYTES));
    return frame;
  }

  /** The bytes of an acknowledgement frame of that many ranges. */
  static int ackBytes(int ranges) {
    return FRAME_HEADER_BYTES + 1 + ranges * ACK_RANGE_BYTES;
  }

  /**
   * Writes an acknowledgement frame of {@code count} ranges ({first, last} pairs) at {@code at}.
   *
   * @return the frame's size
   */
  int writeAck(byte[] buffer, int at, java.util.List<long[]> ranges, int from, int count) {
    int frame = ackBytes(count);
    int body = at + FRAME_HEADER_BYTES;
    putInt(buffer, at, frame - FRAME_HEADER_BYTES);
    buffer[body] = ACK;
    for (int i = 0; i < count; i++) {
      long[] range = ranges.get(from + i);
      putLong(buffer, body + 1 + i * ACK_RANGE_BYTES, range[0]);
      putLong(buffer, body + 9 + i * ACK_RANGE_BYTES, range[1]);
    }
    putInt(buffer, at + 4, Crc32c.of(crc, buffer, body, frame - FRAME_HEADER_BYTES));
    return frame;
  }

  /** A header: magic, version, producer id, sequence, and its checksum. */
  byte[] header(int magic, byte[] producerId, long sequence) {
    byte[] header = new byte[HEADER_BYTES];
    putInt(header, 0, magic);
    putShort(header, 4, VERSION);
    System.arraycopy(producerId, 0, header, 8, 16);
    putLong(header, 24, sequence);
    putInt(header, 32, Crc32c.of(crc, header, 0, 32));
    return header;
  }

  /** Whether a header of that magic at offset is sound. */
  static boolean headerValid(byte[] data, int offset, int magic) {
    if (getInt(data, offset) != magic || getShort(data, offset + 4) != VERSION) {
      return false;
    }
    Checksum checksum = Crc32c.create();
    return Crc32c.of(checksum, data, offset, 32) == getInt(data, offset + 32);
  }

  // ---------------------------------------------------------------- sequence ranges

  /** Adds [first, last] to disjoint, non-adjacent ranges (first to last), merging neighbours. */
  static void addRange(TreeMap<Long, Long> ranges, long first, long last) {
    if (last < first) {
      return;
    }
    Map.Entry<Long, Long> before = ranges.floorEntry(first);
    if (before != null && before.getValue() >= first - 1) {
      first = before.getKey();
      last = Math.max(last, before.getValue());
      ranges.remove(before.getKey());
    }
    Iterator<Map.Entry<Long, Long>> after = ranges.tailMap(first, true).entrySet().iterator();
    while (after.hasNext()) {
      Map.Entry<Long, Long> next = after.next();
      if (next.getKey() > last + 1) {
        break;
      }
      last = Math.max(last, next.getValue());
      after.remove();
    }
    ranges.put(first, last);
  }

  /** Whether a range holds the value. */
  static boolean contains(TreeMap<Long, Long> ranges, long value) {
    Map.Entry<Long, Long> range = ranges.floorEntry(value);
    return range != null && range.getValue() >= value;
  }

  // ---------------------------------------------------------------- big-endian integers

  static int getInt(byte[] data, int offset) {
    return ((data[offset] & 0xFF) << 24)
        | ((data[offset + 1] & 0xFF) << 16)
        | ((data[offset + 2] & 0xFF) << 8)
        | (data[offset + 3] & 0xFF);
  }

  static int getShort(byte[] data, int offset) {
    return ((data[offset] & 0xFF) << 8) | (data[offset + 1] & 0xFF);
  }

  static long getLong(byte[] data, int offset) {
    return ((long) getInt(data, offset) << 32) | (getInt(data, offset + 4) & 0xFFFFFFFFL);
  }

  static void putInt(byte[] data, int offset, int value) {
    data[offset] = (byte) (value >>> 24);
    data[offset + 1] = (byte) (value >>> 16);
    data[offset + 2] = (byte) (value >>> 8);
    data[offset + 3] = (byte) value;
  }

  static void putShort(byte[] data, int offset, int value) {
    data[offset] = (byte) (value >>> 8);
    data[offset + 1] = (byte) value;
  }

  static void putLong(byte[] data, int offset, long value) {
    putInt(data, offset, (int) (value >>> 32));
    putInt(data, offset + 4, (int) value);
  }
}
