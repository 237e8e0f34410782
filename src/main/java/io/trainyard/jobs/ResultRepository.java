package io.trainyard.jobs;

import io.trainyard.store.Times;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;

import java.util.Optional;

/** Prediction results registered by successful predict jobs. */
public final class ResultRepository {
  private final Pool pool;

  public ResultRepository(Pool pool) {
    this.pool = pool;
  }

  public Future<Optional<JsonObject>> find(String resultId, Long viewer) {
    return pool.preparedQuery("SELECT * FROM results WHERE result_id = $1 AND ($2::bigint IS NULL OR owner_user_id = $2)")
        .execute(Tuple.of(resultId, viewer))
        .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(toJson(rows.iterator().next())));
  }

  public Future<JsonArray> list(Long viewer, int limit, long offset) {
    return pool.preparedQuery("""
            SELECT * FROM results WHERE ($1::bigint IS NULL OR owner_user_id = $1)
            ORDER BY created_at DESC, result_id DESC LIMIT $2 OFFSET $3""")
        .execute(Tuple.of(viewer, limit, offset))
        .map(rows -> {
          JsonArray out = new JsonArray();
          rows.forEach(r -> out.add(toJson(r)));
          return out;
        });
  }

  static JsonObject toJson(Row r) {
    return new JsonObject().put("result_id", r.getString("result_id")).put("job_id", r.getString("job_id"))
        .put("model_id", r.getString("model_id")).put("owner_user_id", r.getLong("owner_user_id"))
        .put("path", r.getString("path")).put("created_at", Times.iso(r.getOffsetDateTime("created_at")))
        .put("rows", r.getInteger("rows"));
  }
}
