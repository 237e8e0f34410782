package io.trainyard.auth;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Failed sign-ins per username and per client address, in a sliding window: after {@code maxFailures}
 * for a name (or {@code maxAddressFailures} from an address) within {@code windowMs} that key is refused
 * until its oldest failure leaves the window. Keeping both keys stops one address guessing many names and
 * many addresses guessing one name; an address gets more room, since many users may share one (a NAT,
 * an office, a proxy that is not trusted). A success
 * clears the username's failures (not the address's: a guesser who knows one password gains nothing).
 * In memory, per node: a restart forgets, which costs a guesser at most one more window.
 */
public final class LoginThrottle {
  /** Keys kept at most; beyond it the oldest state is dropped rather than memory growing without end. */
  private static final int MAX_KEYS = 100_000;
  private final int maxFailures;
  private final int maxAddressFailures;
  private final long windowMs;
  private final LongSupplier clock;
  private final Map<String, Deque<Long>> failures = new ConcurrentHashMap<>();

  public LoginThrottle(int maxFailures, int maxAddressFailures, long windowMs, LongSupplier clock) {
    this.maxFailures = maxFailures;
    this.maxAddressFailures = maxAddressFailures;
    this.windowMs = windowMs;
    this.clock = clock;
  }

  /** Seconds until a sign-in for this name from this address may be tried again; 0: now. */
  public long retryAfterSeconds(String username, String address) {
    long now = clock.getAsLong();
    long wait = Math.max(waitMs(user(username), maxFailures, now), waitMs(addr(address), maxAddressFailures, now));
    return wait <= 0 ? 0 : Math.max(1, (wait + 999) / 1000);
  }

  public void failed(String username, String address) {
    if (maxFailures <= 0) {
      return;
    }
    if (failures.size() > MAX_KEYS) {
      failures.clear();
    }
    long now = clock.getAsLong();
    record(user(username), now);
    record(addr(address), now);
  }

  public void succeeded(String username) {
    failures.remove(user(username));
  }

  private void record(String key, long now) {
    failures.compute(key, (k, q) -> {
      Deque<Long> d = q == null ? new ArrayDeque<>() : q;
      prune(d, now);
      d.addLast(now);
      return d;
    });
  }

  private long waitMs(String key, int max, long now) {
    if (max <= 0) {
      return 0;
    }
    long[] wait = {0};
    failures.computeIfPresent(key, (k, d) -> {
      prune(d, now);
      if (d.size() >= max) {
        wait[0] = d.peekFirst() + windowMs - now;
      }
      return d.isEmpty() ? null : d;
    });
    return wait[0];
  }

  private void prune(Deque<Long> d, long now) {
    while (!d.isEmpty() && d.peekFirst() <= now - windowMs) {
      d.pollFirst();
    }
  }

  private static String user(String name) {
    return "u:" + name.toLowerCase(java.util.Locale.ROOT);
  }

  private static String addr(String address) {
    return "a:" + address;
  }
}
