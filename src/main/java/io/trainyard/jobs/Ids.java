package io.trainyard.jobs;

import java.security.SecureRandom;
import java.util.regex.Pattern;

/**
 * Opaque, URL-safe ids that sort by creation time (ULID layout, lower-case Crockford base32), with a
 * short prefix saying what they name.
 */
public final class Ids {
  private static final char[] ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz".toCharArray();
  private static final SecureRandom RANDOM = new SecureRandom();
  /** What an id in a path or body may look like before we even look it up. */
  public static final Pattern SAFE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_-]{0,63}");

  private Ids() {
  }

  public static String job() {
    return "job_" + ulid();
  }

  public static String model() {
    return "mdl_" + ulid();
  }

  public static String result() {
    return "res_" + ulid();
  }

  public static boolean plausible(String id) {
    return id != null && SAFE.matcher(id).matches();
  }

  public static String ulid() {
    char[] out = new char[26];
    long time = System.currentTimeMillis();
    for (int i = 9; i >= 0; i--) {
      out[i] = ALPHABET[(int) (time & 31)];
      time >>>= 5;
    }
    byte[] rnd = new byte[10];
    RANDOM.nextBytes(rnd);
    long hi = 0;
    long lo = 0;
    for (int i = 0; i < 5; i++) {
      hi = (hi << 8) | (rnd[i] & 0xff);
      lo = (lo << 8) | (rnd[i + 5] & 0xff);
    }
    for (int i = 17; i >= 10; i--) {
      out[i] = ALPHABET[(int) (hi & 31)];
      hi >>>= 5;
    }
    for (int i = 25; i >= 18; i--) {
      out[i] = ALPHABET[(int) (lo & 31)];
      lo >>>= 5;
    }
    return new String(out);
  }
}
