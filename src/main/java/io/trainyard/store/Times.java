package io.trainyard.store;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;

/** The contract's timestamp form: ISO-8601 UTC with milliseconds, e.g. 2026-11-23T10:00:00.123Z. */
public final class Times {
  private static final java.time.format.DateTimeFormatter OUTSIDE_FOUR_DIGITS =
      java.time.format.DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'");

  private Times() {
  }

  /**
   * Formatted by hand: every job record carries five timestamps and a list page a hundred records,
   * and a DateTimeFormatter pattern costs several times more than these few appends (years 0-9999).
   */
  public static String iso(OffsetDateTime t) {
    if (t == null) {
      return null;
    }
    OffsetDateTime u = t.getOffset().equals(ZoneOffset.UTC) ? t : t.withOffsetSameInstant(ZoneOffset.UTC);
    if (u.getYear() < 0 || u.getYear() > 9999) {
      return OUTSIDE_FOUR_DIGITS.format(u); // never from the database's clock, but never wrong either
    }
    char[] c = new char[24];
    put(c, 0, u.getYear(), 4);
    c[4] = '-';
    put(c, 5, u.getMonthValue(), 2);
    c[7] = '-';
    put(c, 8, u.getDayOfMonth(), 2);
    c[10] = 'T';
    put(c, 11, u.getHour(), 2);
    c[13] = ':';
    put(c, 14, u.getMinute(), 2);
    c[16] = ':';
    put(c, 17, u.getSecond(), 2);
    c[19] = '.';
    put(c, 20, u.getNano() / 1_000_000, 3);
    c[23] = 'Z';
    return new String(c);
  }

  private static void put(char[] c, int at, int value, int digits) {
    for (int i = at + digits - 1; i >= at; i--) {
      c[i] = (char) ('0' + value % 10);
      value /= 10;
    }
  }
}
