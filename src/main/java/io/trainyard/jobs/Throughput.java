package io.trainyard.jobs;

import io.trainyard.auth.User;
import io.trainyard.domain.DomainException;
import io.trainyard.store.Times;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;

import java.time.OffsetDateTime;
import java.util.Map;
import java.util.TreeMap;

/**
 * Jobs submitted and finished per minute over the last {@code minutes} (at most a day), the caller's
 * (admin: all). Range scans of the created_at and finished_at indexes (V001, V009): the cost follows
 * the jobs of the window, not the table. Browsers add the minutes after it from pushed events.
 */
public final class Throughput {
  public static final int MAX_MINUTES = 1440;
  private final Pool pool;

  public Throughput(Pool pool) {
    this.pool = pool;
  }

  public Future<JsonObject> lastMinutes(User user, int minutes) {
    if (minutes < 1 || minutes > MAX_MINUTES) {
      return Future.failedFuture(DomainException.invalid("minutes", "must be an integer from 1 to " + MAX_MINUTES));
    }
    Tuple args = Tuple.of(minutes, JobService.scope(user));
    Future<RowSet<Row>> submitted = pool.preparedQuery("""
        SELECT date_trunc('minute', created_at) AS m, 'submitted' AS what, count(*) FROM jobs
        WHERE created_at > now() - make_interval(mins => $1) AND ($2::bigint IS NULL OR owner_user_id = $2)
        GROUP BY 1, 2""").execute(args);
    Future<RowSet<Row>> finished = pool.preparedQuery("""
        SELECT date_trunc('minute', finished_at) AS m, status AS what, count(*) FROM jobs
        WHERE finished_at > now() - make_interval(mins => $1) AND ($2::bigint IS NULL OR owner_user_id = $2)
        GROUP BY 1, 2""").execute(args);
    return Future.all(submitted, finished).map(all -> {
      Map<OffsetDateTime, JsonObject> byMinute = new TreeMap<>();
      for (RowSet<Row> rows : java.util.List.of(submitted.result(), finished.result())) {
        for (Row r : rows) {
          JsonObject m = byMinute.computeIfAbsent(r.getOffsetDateTime(0), t -> new JsonObject().put("minute", Times.iso(t))
              .put("submitted", 0L).put("success", 0L).put("failed", 0L).put("canceled", 0L));
          m.put(r.getString(1), r.getLong(2));
        }
      }
      return new JsonObject().put("minutes", minutes).put("items", new JsonArray(new java.util.ArrayList<>(byMinute.values())));
    });
  }
}
