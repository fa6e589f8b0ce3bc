package dev.tideline.validator;

/**
 * Finds payment card numbers in text: a run of 13 to 19 digits, optionally separated by single
 * spaces or dashes, bounded by non-digits, that passes the Luhn check (ISO/IEC 7812).
 */
final class CardNumbers {
  static final int MIN_DIGITS = 13;
  static final int MAX_DIGITS = 19;

  private CardNumbers() {}

  static boolean containsCardNumber(CharSequence text) {
    int length = text.length();
    if (length < MIN_DIGITS) {
      return false;
    }
    int digitsInText = 0;
    for (int i = 0; i < length; i++) {
      if (isDigit(text.charAt(i))) {
        digitsInText++;
      }
    }
    if (digitsInText < MIN_DIGITS) {
      return false;
    }
    int[] digits = new int[MAX_DIGITS + 1];
    int i = 0;
    while (i < length) {
      if (!isDigit(text.charAt(i))) {
        i++;
        continue;
      }
      // A run: digits with single separators between them.
      int count = 0;
      int j = i;
      while (j < length) {
        char c = text.charAt(j);
        if (isDigit(c)) {
          if (count <= MAX_DIGITS) {
            digits[Math.min(count, MAX_DIGITS)] = c - '0';
          }
          count++;
          j++;
        } else if ((c == ' ' || c == '-') && j + 1 < length && isDigit(text.charAt(j + 1))) {
          j++;
        } else {
          break;
        }
      }
      if (count >= MIN_DIGITS && count <= MAX_DIGITS && luhn(digits, count)) {
        return true;
      }
      i = j;
    }
    return false;
  }

  static boolean luhn(int[] digits, int count) {
    int sum = 0;
    boolean doubled = false;
    for (int k = count - 1; k >= 0; k--) {
      int d = digits[k];
      if (doubled) {
        d *= 2;
        if (d > 9) {
          d -= 9;
        }
      }
      sum += d;
      doubled = !doubled;
    }
    return sum % 10 == 0;
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }
}
