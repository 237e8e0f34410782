package io.trainyard.testing;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;

/**
 * The one way tests wait: observe something until it holds, or fail at the deadline saying what was
 * awaited and what was last seen. The pause between two observations starts at a few milliseconds
 * and backs off to {@link #MAX_PAUSE}; it only spaces the observations out, it never decides the
 * outcome (a slower machine just takes more observations before the deadline).
 *
 * <p>An exception thrown by an observation (a page re-rendered under the driver, a file not yet
 * written) counts as "not yet" and is reported if the deadline passes; an {@link AssertionError}
 * fails at once.
 */
public final class Await {
  static final Duration FIRST_PAUSE = Duration.ofMillis(5);
  static final Duration MAX_PAUSE = Duration.ofMillis(100);

  private Await() {
  }

  /** The deadline passed before the awaited state was observed. */
  public static final class Timeout extends AssertionError {
    Timeout(String message) {
      super(message);
    }
  }

  /** Observes until {@code done} holds for the observation; returns that observation. */
  public static <T> T until(String what, Duration deadline, Callable<T> observe, Predicate<? super T> done) {
    long end = System.nanoTime() + deadline.toNanos();
    long pause = FIRST_PAUSE.toNanos();
    T last = null;
    Exception lastError = null;
    int observations = 0;
    while (true) {
      try {
        T seen = observe.call();
        observations++;
        last = seen;
        lastError = null;
        if (done.test(seen)) {
          return seen;
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted while waiting for " + what, e);
      } catch (Exception e) {
        observations++;
        lastError = e;
      }
      long left = end - System.nanoTime();
      if (left <= 0) {
        String seen = lastError != null ? "an error: " + lastError : shorten(String.valueOf(last));
        Timeout timeout = new Timeout("timed out after " + deadline.toMillis() + " ms (" + observations
            + " observations) waiting for " + what + "; last observed: " + seen);
        if (lastError != null) {
          timeout.initCause(lastError);
        }
        throw timeout;
      }
      pauseNanos(Math.min(pause, left));
      pause = Math.min(pause * 2, MAX_PAUSE.toNanos());
    }
  }

  /** Observes until the condition holds (use the other form when the last observed value helps a failure). */
  public static void until(String what, Duration deadline, BooleanSupplier condition) {
    until(what, deadline, condition::getAsBoolean, Boolean::booleanValue);
  }

  /** Observes until the observation is non-null; returns it. */
  public static <T> T untilPresent(String what, Duration deadline, Callable<T> observe) {
    return until(what, deadline, observe, v -> v != null);
  }

  private static String shorten(String s) {
    return s.length() <= 4000 ? s : s.substring(0, 2000) + " [...] " + s.substring(s.length() - 2000);
  }

  private static void pauseNanos(long nanos) {
    try {
      Thread.sleep(nanos / 1_000_000, (int) (nanos % 1_000_000));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted while waiting", e);
    }
  }
}
