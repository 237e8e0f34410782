package io.trainyard.logs;

import io.vertx.core.json.JsonObject;

/**
 * Derives a job's {@link Progress} from the newest lines of its log. Pure and thread-safe; no
 * regular expressions. Lines are visited from the end of the text backwards, using index arithmetic
 * on the original string (the text is never split into an array), and the scan stops as soon as
 * stage, progress and last_log are all known.
 *
 * <h2>Lines</h2>
 * A line ends at {@code '\n'} or {@code '\r'} (so LF, CRLF and bare-CR progress-bar redraws all
 * work); a final line without a terminator counts as a line. Trailing whitespace (including
 * {@code '\r'}) is trimmed; lines that are then empty are ignored entirely.
 *
 * <h2>Stage</h2>
 * Case-insensitive substring rules, first match in this order wins within a line:
 * <ol>
 *   <li>{@code Preprocessing}: "preprocessing" or "loading"</li>
 *   <li>{@code Warmup}: "warming up" or "warmup"</li>
 *   <li>{@code Saving checkpoint}: "checkpoint"</li>
 *   <li>{@code Validation}: "validat"</li>
 *   <li>{@code Training}: "step" or "epoch"</li>
 * </ol>
 * The newest line that matches any rule decides the stage.
 *
 * <h2>Progress</h2>
 * A fraction written as {@code step N/M} or {@code epoch N/M} (keyword case-insensitive; between the
 * keyword and N any of space, tab, {@code ':'} or {@code '='}; spaces/tabs allowed around
 * {@code '/'}) gives {@code 100 * N / M} rounded half-up to one decimal. In a line the first
 * {@code step} fraction decides; only a line without a step fraction looks at {@code epoch}. A
 * deciding fraction that is malformed -- signed numbers, {@code M == 0}, {@code N > M}, numbers
 * overflowing a {@code long}, a decimal denominator -- makes the whole line give no progress (no
 * clamping; older lines are consulted instead). Text that does not look like a fraction at all (e.g.
 * {@code epoch x/10}, {@code step 1.5/10}) is simply not a fraction. The newest line with a valid
 * fraction decides the progress, independently of which line decides the stage (so {@code step
 * 10/100} followed by a "loading" line yields progress 10.0 with stage Preprocessing).
 *
 * <h2>Explicit lines</h2>
 * A line that (after optional leading whitespace) starts with {@value #EXPLICIT_PREFIX}, followed by
 * whitespace, {@code '{'} or end of line, is machine output: it is never used as last_log and never
 * checked for stage keywords or step/epoch fractions. If the rest of the line is a JSON object, its
 * {@code "progress"} (a JSON number in {@code [0, 100]}, rounded to one decimal) and {@code "stage"}
 * (a non-blank JSON string, stripped) are each optional and each validated on their own; an invalid
 * value is ignored, invalid JSON ignores the whole line. Like every other line, a valid value only
 * wins over values from lines <em>older</em> than it: a newer ordinary step line (or stage keyword
 * line) takes over again.
 *
 * <h2>last_log</h2>
 * The newest non-empty, non-explicit line, trailing-trimmed (leading whitespace kept) and cut to
 * {@value #LAST_LOG_MAX_CHARS} Java chars, one less if the cut would split a surrogate pair. No
 * ellipsis is added.
 *
 * <h2>ETA</h2>
 * With {@code elapsed = now - startedAt} and the reported progress {@code p}: {@code null} if
 * {@code p} is null or 0 or {@code elapsed <= 0}; otherwise 0 when {@code p == 100}; otherwise
 * {@code round(elapsedSeconds * (100 - p) / p)}. {@link #parse(String)} never computes an ETA.
 *
 * <p>Why one class of this size: the rules above are one grammar over one backwards scan, and keeping
 * the scanner, the fraction reader and the explicit-line reader together keeps their order of
 * precedence readable in one place (about a quarter of the file is this specification).
 */
public final class ProgressParser {

  /** Prefix of machine-readable progress lines. */
  public static final String EXPLICIT_PREFIX = "TRAINYARD_PROGRESS";

  /** Maximum length (in Java chars) of {@link Progress#lastLog()}. */
  public static final int LAST_LOG_MAX_CHARS = 80;

  /** Stage rules in priority order: {stage name, keyword...}; keywords are lower-case ASCII. */
  private static final String[][] STAGE_RULES = {
    {"Preprocessing", "preprocessing", "loading"},
    {"Warmup", "warming up", "warmup"},
    {"Saving checkpoint", "checkpoint"},
    {"Validation", "validat"},
    {"Training", "step", "epoch"},
  };

  /** {@link #fraction} result: the keyword is not followed by a fraction anywhere in the line. */
  private static final double NO_FRACTION = -2;
  /** {@link #fraction} result: a fraction is present but malformed or out of range. */
  private static final double BAD_FRACTION = -1;

  private ProgressParser() {}

  /**
   * Parses stage, progress and last_log from a log tail; {@code etaSeconds} is always null.
   *
   * @param logText log tail, may be {@code null} or empty (then everything is null)
   */
  public static Progress parse(String logText) {
    return scan(logText);
  }

  /**
   * Like {@link #parse(String)} and additionally computes {@code etaSeconds} from the rate of
   * progress so far.
   *
   * @param startedAtMillis when the job started, epoch millis
   * @param nowMillis       current time, epoch millis
   */
  public static Progress parse(String logText, long startedAtMillis, long nowMillis) {
    Progress p = scan(logText);
    Long eta = eta(p.progress(), startedAtMillis, nowMillis);
    return eta == null ? p : new Progress(p.stage(), p.progress(), eta, p.lastLog());
  }

  /** ETA in whole seconds per the class contract, or {@code null}. */
  static Long eta(Double progress, long startedAtMillis, long nowMillis) {
    if (progress == null) {
      return null;
    }
    double p = progress;
    // double arithmetic: cannot overflow for absurd inputs, exact for realistic epoch millis
    double elapsedMillis = (double) nowMillis - (double) startedAtMillis;
    if (!(p > 0) || !(elapsedMillis > 0)) {
      return null;
    }
    if (p >= 100) {
      return 0L;
    }
    return Math.round(elapsedMillis / 1000.0 * (100.0 - p) / p);
  }

  private static Progress scan(String text) {
    if (text == null || text.isEmpty()) {
      return Progress.EMPTY;
    }
    String stage = null;
    double progress = -1; // < 0 means unknown
    String lastLog = null;

    int end = text.length(); // exclusive end of the current line
    while (end >= 0 && (stage == null || progress < 0 || lastLog == null)) {
      int start = end;
      while (start > 0 && !isLineBreak(text.charAt(start - 1))) {
        start--;
      }
      int nextEnd = start - 1; // index of the terminator before this line (-1 at text start)

      int e = end;
      while (e > start && Character.isWhitespace(text.charAt(e - 1))) {
        e--;
      }
      if (e > start) {
        int s = start;
        while (s < e && Character.isWhitespace(text.charAt(s))) {
          s++;
        }
        if (isExplicit(text, s, e)) {
          if (stage == null || progress < 0) {
            JsonObject json = explicitJson(text, s + EXPLICIT_PREFIX.length(), e);
            if (json != null) {
              if (progress < 0) {
                progress = explicitProgress(json);
              }
              if (stage == null) {
                stage = explicitStage(json);
              }
            }
          }
        } else {
          if (lastLog == null) {
            lastLog = cut(text, start, e);
          }
          if (stage == null) {
            stage = stageOf(text, s, e);
          }
          if (progress < 0) {
            progress = lineProgress(text, s, e);
          }
        }
      }
      end = nextEnd;
    }
    return new Progress(stage, progress < 0 ? null : progress, null, lastLog);
  }

  private static boolean isLineBreak(char c) {
    return c == '\n' || c == '\r';
  }

  // ---------------------------------------------------------------- explicit lines

  private static boolean isExplicit(String t, int s, int e) {
    int after = s + EXPLICIT_PREFIX.length();
    if (after > e || !t.startsWith(EXPLICIT_PREFIX, s)) {
      return false;
    }
    if (after == e) {
      return true;
    }
    char c = t.charAt(after);
    return c == '{' || Character.isWhitespace(c);
  }

  /** The JSON object in {@code t[from, to)} ({@code to} is already right-trimmed), or null. */
  private static JsonObject explicitJson(String t, int from, int to) {
    while (from < to && Character.isWhitespace(t.charAt(from))) {
      from++;
    }
    if (to - from < 2 || t.charAt(from) != '{' || t.charAt(to - 1) != '}') {
      return null;
    }
    try {
      return new JsonObject(t.substring(from, to));
    } catch (RuntimeException invalid) { // DecodeException, ClassCastException, ...
      return null;
    }
  }

  /** Valid explicit progress rounded to one decimal, or -1. */
  private static double explicitProgress(JsonObject json) {
    Object v = json.getValue("progress");
    if (!(v instanceof Number)) {
      return -1;
    }
    double d = ((Number) v).doubleValue();
    if (!(d >= 0 && d <= 100)) { // also rejects NaN
      return -1;
    }
    return Math.round(d * 10) / 10.0;
  }

  private static String explicitStage(JsonObject json) {
    Object v = json.getValue("stage");
    if (!(v instanceof String)) {
      return null;
    }
    String s = ((String) v).strip();
    return s.isEmpty() ? null : s;
  }

  // ---------------------------------------------------------------- ordinary lines

  private static String cut(String t, int start, int end) {
    int cutEnd = end;
    if (end - start > LAST_LOG_MAX_CHARS) {
      cutEnd = start + LAST_LOG_MAX_CHARS;
      if (Character.isHighSurrogate(t.charAt(cutEnd - 1))
          && Character.isLowSurrogate(t.charAt(cutEnd))) {
        cutEnd--;
      }
    }
    return t.substring(start, cutEnd);
  }

  private static String stageOf(String t, int s, int e) {
    for (String[] rule : STAGE_RULES) {
      for (int k = 1; k < rule.length; k++) {
        if (indexOfIgnoreCase(t, s, e, rule[k]) >= 0) {
          return rule[0];
        }
      }
    }
    return null;
  }

  /** Progress of one ordinary line, or -1 if it has none. */
  private static double lineProgress(String t, int s, int e) {
    double p = fraction(t, s, e, "step");
    if (p == NO_FRACTION) {
      p = fraction(t, s, e, "epoch");
    }
    return p < 0 ? -1 : p;
  }

  /**
   * Evaluates the first {@code <keyword> N/M} fraction in {@code t[from, to)}: the percentage
   * rounded to one decimal, {@link #BAD_FRACTION} if malformed, {@link #NO_FRACTION} if absent.
   */
  private static double fraction(String t, int from, int to, String keyword) {
    int i = from;
    while ((i = indexOfIgnoreCase(t, i, to, keyword)) >= 0) {
      int p = i + keyword.length();
      i++; // next search position if this occurrence is not a fraction
      while (p < to && isKeywordSeparator(t.charAt(p))) {
        p++;
      }
      boolean signed = false;
      if (p < to && isSign(t.charAt(p))) {
        signed = true;
        p++;
      }
      int digitsStart = p;
      long num = 0;
      boolean overflow = false;
      for (; p < to && isAsciiDigit(t.charAt(p)); p++) {
        int d = t.charAt(p) - '0';
        if (num > (Long.MAX_VALUE - d) / 10) {
          overflow = true;
        } else {
          num = num * 10 + d;
        }
      }
      if (p == digitsStart) {
        continue;
      }
      p = skipBlanks(t, p, to);
      if (p >= to || t.charAt(p) != '/') {
        continue;
      }
      p = skipBlanks(t, p + 1, to);
      if (p < to && isSign(t.charAt(p))) {
        signed = true;
        p++;
      }
      digitsStart = p;
      long den = 0;
      for (; p < to && isAsciiDigit(t.charAt(p)); p++) {
        int d = t.charAt(p) - '0';
        if (den > (Long.MAX_VALUE - d) / 10) {
          overflow = true;
        } else {
          den = den * 10 + d;
        }
      }
      if (p == digitsStart) {
        continue;
      }
      boolean decimalDenominator =
          p + 1 < to && t.charAt(p) == '.' && isAsciiDigit(t.charAt(p + 1));
      if (signed || overflow || decimalDenominator || den == 0 || num > den) {
        return BAD_FRACTION;
      }
      // num <= den, so num * 1000.0 / den is in [0, 1000]; Math.round is half-up
      return Math.round(num * 1000.0 / den) / 10.0;
    }
    return NO_FRACTION;
  }

  private static int skipBlanks(String t, int p, int to) {
    while (p < to && (t.charAt(p) == ' ' || t.charAt(p) == '\t')) {
      p++;
    }
    return p;
  }

  private static boolean isKeywordSeparator(char c) {
    return c == ' ' || c == '\t' || c == ':' || c == '=';
  }

  private static boolean isSign(char c) {
    return c == '-' || c == '+';
  }

  private static boolean isAsciiDigit(char c) {
    return c >= '0' && c <= '9';
  }

  /**
   * First index in {@code [from, to)} where lower-case ASCII {@code needle} occurs, ignoring ASCII
   * case, or -1.
   */
  private static int indexOfIgnoreCase(String t, int from, int to, String needle) {
    int n = needle.length();
    char first = needle.charAt(0);
    char firstUpper = toAsciiUpper(first);
    outer:
    for (int i = from, last = to - n; i <= last; i++) {
      char c = t.charAt(i);
      if (c != first && c != firstUpper) {
        continue;
      }
      for (int k = 1; k < n; k++) {
        char a = t.charAt(i + k);
        char b = needle.charAt(k);
        if (a != b && a != toAsciiUpper(b)) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }

  private static char toAsciiUpper(char c) {
    return c >= 'a' && c <= 'z' ? (char) (c - ('a' - 'A')) : c;
  }
}
