package io.trainyard.jobs;

import io.trainyard.auth.User;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;

import java.time.LocalDate;
import java.util.Map;
import java.util.TreeMap;

/**
 * Per day and job type: submitted, outcomes, success rate and run/queue-wait percentiles, read from
 * the trigger-kept {@code job_daily} rollups (see V002), never from the jobs table itself. An admin
 * reads the all-users rows (owner 0).
 */
public final class Analytics {
  /** Histogram geometry of V002: bucket i (1-based) spans [BASE * RATIO^(i-1), BASE * RATIO^i). */
  static final double BASE = 0.01;
  static final double RATIO = 1.12;
  static final int BUCKETS = 160;
  private final Pool pool;

  public Analytics(Pool pool) {
    this.pool = pool;
  }

  private static final class Day {
    long submitted;
    long success;
    long failed;
    long canceled;
    final long[] run = new long[BUCKETS];
    final long[] wait = new long[BUCKETS];
  }

  public Future<JsonObject> query(User user, int days, String jobType) {
    return pool.preparedQuery("""
            SELECT day, job_type, submitted, success, failed, canceled, run_hist, wait_hist FROM job_daily
            WHERE day > (now() AT TIME ZONE 'UTC')::date - $1::int
              AND owner_user_id = coalesce($2::bigint, 0) AND ($3::text IS NULL OR job_type = $3)""")
        .execute(Tuple.of(days, JobService.scope(user), jobType))
        .map(rows -> {
          Map<String, Day> byKey = new TreeMap<>();
          for (Row r : rows) {
            Day d = byKey.computeIfAbsent(r.getLocalDate("day") + "|" + r.getString("job_type"), k -> new Day());
            d.submitted += r.getInteger("submitted");
            d.success += r.getInteger("success");
            d.failed += r.getInteger("failed");
            d.canceled += r.getInteger("canceled");
            add(d.run, r.getArrayOfIntegers("run_hist"));
            add(d.wait, r.getArrayOfIntegers("wait_hist"));
          }
          JsonArray out = new JsonArray();
          byKey.forEach((key, d) -> {
            String[] k = key.split("\\|");
            long finished = d.success + d.failed + d.canceled;
            out.add(new JsonObject().put("date", LocalDate.parse(k[0]).toString()).put("job_type", k[1])
                .put("submitted", d.submitted).put("success", d.success).put("failed", d.failed).put("canceled", d.canceled)
                .put("success_rate", finished == 0 ? null : Math.round(1000.0 * d.success / finished) / 1000.0)
                .put("run_p50_s", percentile(d.run, 0.50)).put("run_p95_s", percentile(d.run, 0.95))
                .put("wait_p50_s", percentile(d.wait, 0.50)).put("wait_p95_s", percentile(d.wait, 0.95)));
          });
          return new JsonObject().put("days", out).put("window_days", days);
        });
  }

  private static void add(long[] into, Integer[] hist) {
    for (int i = 0; i < Math.min(into.length, hist.length); i++) {
      into[i] += hist[i] == null ? 0 : hist[i];
    }
  }

  /** Percentile from a log-bucket histogram, interpolated geometrically inside the bucket; null if empty. */
  static Double percentile(long[] hist, double p) {
    long n = 0;
    for (long c : hist) {
      n += c;
    }
    if (n == 0) {
      return null;
    }
    double rank = p * n;
    long seen = 0;
    for (int i = 0; i < hist.length; i++) {
      if (hist[i] > 0 && seen + hist[i] >= rank) {
        double within = (rank - seen) / hist[i];
        double lower = i == 0 ? 0 : BASE * Math.pow(RATIO, i);
        double upper = BASE * Math.pow(RATIO, i + 1);
        double value = i == 0 ? upper * within : lower * Math.pow(upper / lower, within);
        return Math.round(value * 100) / 100.0;
      }
      seen += hist[i];
    }
    return null;
  }
}
