package io.trainyard.providers.fake;

import io.vertx.core.json.JsonObject;

import java.util.Map;
import java.util.TreeMap;

/**
 * Counts every API request (by route template and by concrete path) and fails the next few with an
 * injected 429/500/503 when told to. Counting and the fault budget share one monitor so a test that
 * injects N faults and then reads the counters sees exactly the requests that consumed them.
 */
final class Faults {
  /** An injected failure for one request: its HTTP status and, for a 429, the Retry-After seconds. */
  record Fault(int status, long retryAfter) {
  }

  private final Map<String, Long> byRoute = new TreeMap<>();
  private final Map<String, Long> byPath = new TreeMap<>();
  private long total;
  private int left;
  private int status;
  private long retryAfter = 1;
  private String route;

  /** Counts one request and answers the fault it must fail with, or null to let it through. */
  synchronized Fault admit(String method, String path) {
    String r = method + " " + template(path);
    total++;
    byRoute.merge(r, 1L, Long::sum);
    byPath.merge(method + " " + path, 1L, Long::sum);
    if (left <= 0 || status == 0 || !applies(r)) {
      return null;
    }
    left--;
    return new Fault(status, retryAfter);
  }

  private boolean applies(String r) {
    return route == null || r.equals(route)
        || (route.endsWith("*") && r.startsWith(route.substring(0, route.length() - 1)));
  }

  /** Replaces any earlier budget: the next {@code count} requests of {@code route} (null: any) fail. */
  synchronized void inject(int status, int count, long retryAfterSeconds, String route) {
    this.status = status;
    this.left = count;
    this.retryAfter = retryAfterSeconds;
    this.route = route;
  }

  synchronized JsonObject requests() {
    JsonObject routes = new JsonObject();
    byRoute.forEach(routes::put);
    JsonObject paths = new JsonObject();
    byPath.forEach(paths::put);
    return new JsonObject().put("total", total).put("by_route", routes).put("by_path", paths);
  }

  synchronized long count() {
    return total;
  }

  synchronized long count(String route) {
    return byRoute.getOrDefault(route, 0L);
  }

  synchronized void resetCounts() {
    total = 0;
    byRoute.clear();
    byPath.clear();
  }

  /** Drops the remaining faults and the counts. */
  synchronized void reset() {
    left = 0;
    resetCounts();
  }

  /** The route a path belongs to, with ids as placeholders, e.g. {@code /v1/trainings/{id}}. */
  static String template(String path) {
    return path
        .replaceAll("^/v1/models/[^/]+/[^/]+/versions/[^/]+/trainings$", "/v1/models/{owner}/{name}/versions/{id}/trainings")
        .replaceAll("^/v1/(trainings|predictions)/[^/]+/cancel$", "/v1/$1/{id}/cancel")
        .replaceAll("^/v1/(trainings|predictions)/[^/]+$", "/v1/$1/{id}");
  }
}
