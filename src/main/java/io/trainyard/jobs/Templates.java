package io.trainyard.jobs;

import io.trainyard.auth.User;
import io.trainyard.domain.DomainException;
import io.trainyard.domain.Validation;
import io.trainyard.store.Times;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;

/**
 * Saved job configurations of a user. A template is validated like a submission when saved, and its
 * submission (with overrides) is validated again, since datasets and models may have changed since.
 */
public final class Templates {
  private final Pool pool;
  private final Submissions submissions;
  /** Templates a user may keep at most ({@code limits.max_templates_per_user}). */
  private final int maxPerUser;

  public Templates(Pool pool, Submissions submissions, int maxPerUser) {
    this.pool = pool;
    this.submissions = submissions;
    this.maxPerUser = maxPerUser;
  }

  public Future<JsonObject> create(User user, JsonObject body) {
    Validation v = new Validation();
    Object name = body.getValue("name");
    if (!(name instanceof String s) || s.isBlank() || s.length() > 100) {
      v.add("name", "must be a string of 1 to 100 characters");
    }
    Object type = body.getValue("job_type");
    JobType jobType = type instanceof String t && JobType.isWire(t) ? JobType.of(t) : null;
    if (jobType == null || !jobType.isLocalProgram()) {
      v.add("job_type", "must be train or predict");
    }
    Object params = body.getValue("params");
    if (!(params instanceof JsonObject)) {
      v.add("params", "must be an object of job parameters");
    }
    body.fieldNames().stream().filter(f -> !f.equals("name") && !f.equals("job_type") && !f.equals("params")).sorted()
        .forEach(f -> v.add(f, "unknown field"));
    v.throwIfInvalid();
    return submissions.plan(user, jobType, (JsonObject) params)
        .recover(err -> Future.failedFuture(prefixed(err)))
        // The bound is checked in the insert itself: no row comes back when the user already has the most.
        .compose(plan -> pool.preparedQuery("""
                INSERT INTO templates(template_id, owner_user_id, name, job_type, params)
                SELECT $1,$2,$3,$4,$5 WHERE (SELECT count(*) FROM templates WHERE owner_user_id = $2) < $6
                RETURNING *""")
            .execute(Tuple.of("tpl_" + Ids.ulid(), user.id(), ((String) name).strip(), type, plan.asBody(), maxPerUser)))
        .compose(rows -> rows.size() == 0
            ? Future.failedFuture(DomainException.conflict("You have " + maxPerUser
                + " templates, the most one user may keep (limits.max_templates_per_user); delete one first"))
            : Future.succeededFuture(new JsonObject().put("template", toJson(rows.iterator().next()))))
        .recover(err -> err instanceof PgException pg && "23505".equals(pg.getSqlState())
            ? Future.failedFuture(DomainException.conflict("name: a template with this name exists"))
            : Future.failedFuture(err));
  }

  public Future<JsonObject> list(User user) {
    return pool.preparedQuery("SELECT * FROM templates WHERE owner_user_id = $1 ORDER BY name")
        .execute(Tuple.of(user.id()))
        .map(rows -> {
          JsonArray items = new JsonArray();
          rows.forEach(r -> items.add(toJson(r)));
          return new JsonObject().put("items", items);
        });
  }

  public Future<JsonObject> delete(User user, String id) {
    if (!Ids.plausible(id)) {
      return Future.failedFuture(DomainException.notFound("Template not found"));
    }
    return pool.preparedQuery("DELETE FROM templates WHERE template_id = $1 AND owner_user_id = $2")
        .execute(Tuple.of(id, user.id()))
        .compose(r -> r.rowCount() == 0 ? Future.failedFuture(DomainException.notFound("Template not found"))
            : Future.succeededFuture(new JsonObject().put("deleted", true)));
  }

  /** Submits the template's params with {@code overrides} laid over them. */
  public Future<JsonObject> submit(User user, String id, JsonObject body) {
    Object overrides = body.getValue("overrides", new JsonObject());
    if (!Ids.plausible(id)) {
      return Future.failedFuture(DomainException.notFound("Template not found"));
    }
    if (!(overrides instanceof JsonObject o)) {
      return Future.failedFuture(DomainException.invalid("overrides", "must be an object of job parameters"));
    }
    return pool.preparedQuery("SELECT * FROM templates WHERE template_id = $1 AND owner_user_id = $2")
        .execute(Tuple.of(id, user.id()))
        .compose(rows -> {
          if (rows.size() == 0) {
            return Future.failedFuture(DomainException.notFound("Template not found"));
          }
          Row r = rows.iterator().next();
          JsonObject merged = r.getJsonObject("params").copy().mergeIn(o);
          return submissions.submit(user, JobType.of(r.getString("job_type")), merged);
        })
        .map(job -> new JsonObject().put("job", job.toJson()));
  }

  /** Validation errors of the params, named as params.<field>. */
  private static Throwable prefixed(Throwable err) {
    if (!(err instanceof DomainException d) || d.errors().isEmpty()) {
      return err;
    }
    return new DomainException(d.kind(), "params: " + d.getMessage(), d.errors().stream()
        .map(e -> new DomainException.FieldError("params." + e.field(), e.message())).toList());
  }

  static JsonObject toJson(Row r) {
    return new JsonObject().put("template_id", r.getString("template_id")).put("name", r.getString("name"))
        .put("job_type", r.getString("job_type")).put("params", r.getJsonObject("params"))
        .put("created_at", Times.iso(r.getOffsetDateTime("created_at")));
  }
}
