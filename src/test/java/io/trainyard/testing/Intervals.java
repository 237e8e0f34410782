package io.trainyard.testing;

import io.vertx.core.json.JsonObject;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** How many jobs held a slot at once, from their started_at/finished_at as PostgreSQL recorded them. */
public final class Intervals {
  private Intervals() {
  }

  public static int maxOverlap(List<JsonObject> jobs) {
    List<long[]> events = new ArrayList<>();
    for (JsonObject j : jobs) {
      if (j.getString("started_at") == null) {
        continue;
      }
      long start = Instant.parse(j.getString("started_at")).toEpochMilli() * 1000;
      String fin = j.getString("finished_at");
      long end = fin == null ? Long.MAX_VALUE : Instant.parse(fin).toEpochMilli() * 1000;
      events.add(new long[] {start, +1});
      events.add(new long[] {end, -1});
    }
    // At equal times a finish is counted before a start: the slot was handed over, not shared.
    events.sort((a, b) -> a[0] != b[0] ? Long.compare(a[0], b[0]) : Long.compare(a[1], b[1]));
    int cur = 0;
    int max = 0;
    for (long[] e : events) {
      cur += (int) e[1];
      max = Math.max(max, cur);
    }
    return max;
  }
}
