package io.trainyard.jobs;

import io.trainyard.store.Times;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/** Models registered by successful train jobs. */
public final class ModelRepository {
  private final Pool pool;

  public ModelRepository(Pool pool) {
    this.pool = pool;
  }

  /** A model the viewer may use ({@code viewer} null = any). */
  public Future<Optional<JsonObject>> find(String modelId, Long viewer) {
    return pool.preparedQuery("SELECT * FROM models WHERE model_id = $1 AND ($2::bigint IS NULL OR owner_user_id = $2)")
        .execute(Tuple.of(modelId, viewer))
        .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(toJson(rows.iterator().next())));
  }

  /** Paths of the models among {@code ids} the viewer may use ({@code viewer} null = any), in one query. */
  public Future<Map<String, String>> paths(Collection<String> ids, Long viewer) {
    if (ids.isEmpty()) {
      return Future.succeededFuture(Map.of());
    }
    return pool.preparedQuery("""
            SELECT model_id, path FROM models WHERE model_id = ANY($1) AND ($2::bigint IS NULL OR owner_user_id = $2)""")
        .execute(Tuple.of(ids.toArray(new String[0]), viewer))
        .map(rows -> {
          Map<String, String> out = new HashMap<>();
          rows.forEach(r -> out.put(r.getString(0), r.getString(1)));
          return out;
        });
  }

  public Future<JsonArray> list(Long viewer, int limit, long offset) {
    return pool.preparedQuery("""
            SELECT * FROM models WHERE ($1::bigint IS NULL OR owner_user_id = $1)
            ORDER BY created_at DESC, model_id DESC LIMIT $2 OFFSET $3""")
        .execute(Tuple.of(viewer, limit, offset))
        .map(rows -> {
          JsonArray out = new JsonArray();
          rows.forEach(r -> out.add(toJson(r)));
          return out;
        });
  }

  static JsonObject toJson(Row r) {
    return new JsonObject().put("model_id", r.getString("model_id")).put("job_id", r.getString("job_id"))
        .put("owner_user_id", r.getLong("owner_user_id")).put("path", r.getString("path"))
        .put("created_at", Times.iso(r.getOffsetDateTime("created_at"))).put("metrics", r.getJsonObject("metrics"));
  }
}
