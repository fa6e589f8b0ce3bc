package dev.tideline.validator.report;

import java.util.Locale;

/** How the text reports (console, HTML) write values: printable strings, shares, durations. */
final class Text {
  private Text() {}

  /**
   * The text with every character that a terminal could act on (C0 and C1 controls, DEL, and the
   * bidirectional overrides that reorder what is shown) replaced by a visible {@code \\uXXXX}, so
   * that values read from records (event types, file names) cannot move the cursor, clear the
   * screen or disguise other text.
   */
  static String printable(String text) {
    StringBuilder out = null;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      boolean unsafe =
          c < 0x20
              || (c >= 0x7f && c <= 0x9f)
              || (c >= 0x202a && c <= 0x202e)
              || (c >= 0x2066 && c <= 0x2069);
      if (unsafe) {
        if (out == null) {
          out = new StringBuilder(text.length() + 8).append(text, 0, i);
        }
        out.append(String.format(Locale.ROOT, "\\u%04X", (int) c));
      } else if (out != null) {
        out.append(c);
      }
    }
    return out == null ? text : out.toString();
  }

  /** A share as a percentage with two decimals: "17.95%"; "0%" of nothing. */
  static String percent(long part, long whole) {
    return whole == 0 ? "0%" : String.format(Locale.ROOT, "%.2f%%", 100.0 * part / whole);
  }

  /**
   * A duration in milliseconds in the largest fitting unit: "120 ms", "1.5 s", "2.0 min", "3.5 h".
   */
  static String duration(long ms) {
    if (ms < 1000) {
      return ms + " ms";
    }
    if (ms < 120_000) {
      return String.format(Locale.ROOT, "%.1f s", ms / 1000.0);
    }
    if (ms < 7_200_000) {
      return String.format(Locale.ROOT, "%.1f min", ms / 60_000.0);
    }
    return String.format(Locale.ROOT, "%.1f h", ms / 3_600_000.0);
  }
}
