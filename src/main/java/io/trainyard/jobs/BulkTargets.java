package io.trainyard.jobs;

import io.trainyard.auth.User;
import io.trainyard.domain.DomainException;
import io.trainyard.domain.Validation;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The jobs a bulk request names: {@code {job_ids: [...]}}, or {@code {filter: {status, job_type, q,
 * owner_user_id}}} for every unarchived job of the caller (admin: all, or one owner) that matches,
 * exactly as the list would show them. A filter matching more than {@link BulkActions#MAX_IDS} jobs is
 * refused rather than cut at an arbitrary point: the caller narrows it, and nothing has changed.
 */
public final class BulkTargets {
  private static final Set<String> FILTER_FIELDS = Set.of("status", "job_type", "q", "owner_user_id");
  private final Pool pool;

  public BulkTargets(Pool pool) {
    this.pool = pool;
  }

  /** The ids, in request order (filter: newest first). */
  public Future<List<String>> resolve(User user, JsonObject body) {
    if (!body.containsKey("filter")) {
      return Future.succeededFuture(BulkActions.ids(body));
    }
    JobFilter filter = filter(body, JobService.scope(user));
    Tuple args = Tuple.tuple();
    String sql = "SELECT j.job_id FROM jobs j" + filter.where(args) + filter.orderBy() + " LIMIT " + (BulkActions.MAX_IDS + 1);
    return pool.preparedQuery(sql).execute(args).map(rows -> {
      if (rows.size() > BulkActions.MAX_IDS) {
        throw DomainException.invalid("filter", "matches more than " + BulkActions.MAX_IDS + " jobs; narrow it");
      }
      List<String> ids = new ArrayList<>(rows.size());
      rows.forEach(r -> ids.add(r.getString(0)));
      return ids;
    });
  }

  /** The filter object as a list query; every bad field is named {@code filter.<field>}. */
  static JobFilter filter(JsonObject body, Long viewer) {
    Validation v = new Validation();
    body.fieldNames().stream().filter(f -> !f.equals("filter")).sorted().forEach(f ->
        v.add(f, f.equals("job_ids") ? "give job_ids or filter, not both" : "unknown field"));
    if (!(body.getValue("filter") instanceof JsonObject raw)) {
      v.add("filter", "must be an object with status, job_type, q or owner_user_id");
      v.throwIfInvalid();
      return null;
    }
    Validation inner = new Validation();
    MultiMap query = MultiMap.caseInsensitiveMultiMap();
    for (String field : raw.fieldNames()) {
      Object value = raw.getValue(field);
      if (!FILTER_FIELDS.contains(field)) {
        inner.add(field, "unknown field");
      } else if (field.equals("status") && value instanceof JsonArray list) {
        list.forEach(s -> {
          if (s instanceof String str) {
            query.add("status", str);
          } else {
            inner.add("status", "every entry must be a status name");
          }
        });
      } else if (value instanceof String || (field.equals("owner_user_id") && value instanceof Number)) {
        query.add(field, String.valueOf(value));
      } else if (value != null) {
        inner.add(field, field.equals("status") ? "must be a status name or a list of them" : "must be a string");
      }
    }
    JobFilter f = JobFilter.parse(query, viewer, inner);
    v.nest("filter", inner);
    v.throwIfInvalid();
    return f;
  }
}
