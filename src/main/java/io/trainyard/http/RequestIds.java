package io.trainyard.http;

import io.vertx.ext.web.RoutingContext;

import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;

/**
 * Every request gets an id: the caller's {@code X-Request-Id} when it is a plain token (a proxy's or a
 * client's, so one id follows a request through their logs and ours), else a fresh one. It is sent
 * back as {@code X-Request-Id}, is a problem's {@code instance}, and is in our log lines about it.
 */
final class RequestIds {
  static final String HEADER = "X-Request-Id";
  private static final String KEY = "request_id";
  /** Anything else (too long, spaces, markup) could forge log lines or headers: replaced. */
  private static final Pattern SAFE = Pattern.compile("[A-Za-z0-9._:-]{1,64}");

  private RequestIds() {
  }

  static void assign(RoutingContext ctx) {
    String given = ctx.request().getHeader(HEADER);
    String id = given != null && SAFE.matcher(given).matches() ? given : fresh();
    ctx.put(KEY, id);
    ctx.response().putHeader(HEADER, id);
  }

  /** The request's id ("-" before one was assigned). */
  static String of(RoutingContext ctx) {
    String id = ctx.get(KEY);
    return id == null ? "-" : id;
  }

  private static String fresh() {
    ThreadLocalRandom r = ThreadLocalRandom.current();
    return Long.toHexString(r.nextLong() | Long.MIN_VALUE) + Long.toHexString(r.nextLong() | Long.MIN_VALUE);
  }
}
