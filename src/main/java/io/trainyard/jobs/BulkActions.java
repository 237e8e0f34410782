package io.trainyard.jobs;

import io.trainyard.auth.User;
import io.trainyard.domain.DomainException;
import io.trainyard.domain.Validation;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Bulk delete and archive over the caller's jobs (admin: all). Ids the caller cannot see count as
 * missing; active jobs are never touched and are reported instead.
 */
public final class BulkActions {
  public static final int MAX_IDS = 1000;
  private final JobService service;
  private final Pool pool;
  private final Reruns reruns;

  public BulkActions(JobService service, Pool pool) {
    this.service = service;
    this.pool = pool;
    this.reruns = new Reruns(service, pool);
  }

  /** Reruns that record their lineage (the single rerun route uses it too). */
  public Reruns reruns() {
    return reruns;
  }

  /** The {@code job_ids} of a bulk request: 1..1000 strings, duplicates folded. */
  public static List<String> ids(JsonObject body) {
    Object raw = body.getValue("job_ids");
    Validation v = new Validation();
    if (!(raw instanceof JsonArray arr) || arr.isEmpty() || arr.size() > MAX_IDS) {
      v.add("job_ids", "must be a list of 1 to " + MAX_IDS + " job ids");
      v.throwIfInvalid();
      return List.of();
    }
    Set<String> out = new LinkedHashSet<>();
    for (Object o : arr) {
      if (!(o instanceof String s)) {
        v.add("job_ids", "every entry must be a string");
        break;
      }
      out.add(s);
    }
    body.fieldNames().stream().filter(f -> !f.equals("job_ids")).sorted().forEach(f -> v.add(f, "unknown field"));
    v.throwIfInvalid();
    return new ArrayList<>(out);
  }

  public Future<JsonObject> delete(User user, List<String> ids, boolean purge) {
    JsonArray active = new JsonArray();
    return each(ids, id -> service.delete(user, id, purge).map(id), active)
        .map(done -> done.out().put("deleted", done.acted()).put("skipped_active", active).put("count", done.acted().size()));
  }

  /**
   * Cancels each job as {@code POST /api/jobs/{id}/cancel} would: {@code {canceled, missing,
   * skipped_finished, count}}; a running job is listed once its stop signal went out.
   */
  public Future<JsonObject> cancel(User user, List<String> ids) {
    JsonArray finished = new JsonArray();
    return each(ids, id -> service.cancel(user, id).map(id), finished)
        .map(done -> done.out().put("canceled", done.acted()).put("skipped_finished", finished).put("count", done.acted().size()));
  }

  /**
   * Reruns each job as {@code POST /api/jobs/{id}/rerun} would: {@code {rerun, jobs, missing, count}},
   * {@code jobs[i]} the new job of {@code rerun[i]}, owned by the caller.
   */
  public Future<JsonObject> rerun(User user, List<String> ids) {
    JsonArray created = new JsonArray();
    return each(ids, id -> reruns.rerun(user, id).map(job -> {
      created.add(job.id());
      return id;
    }), new JsonArray())
        .map(done -> done.out().put("rerun", done.acted()).put("jobs", created).put("count", done.acted().size()));
  }

  /** What {@link #each} did: the ids acted on, and {@code {missing}} to add the route's own fields to. */
  private record Done(JsonArray acted, JsonObject out) {
  }

  /**
   * Applies {@code action} to the ids one after another: a job the caller cannot see is missing, one
   * the action refuses (active for delete, finished for cancel) goes to {@code refused}; any other
   * failure goes to {@code failed} as {@code {job_id, status, detail}}, and the next id is tried.
   */
  private static Future<Done> each(List<String> ids, java.util.function.Function<String, Future<String>> action,
                                   JsonArray refused) {
    JsonArray acted = new JsonArray();
    JsonArray missing = new JsonArray();
    JsonArray failed = new JsonArray();
    Future<Void> chain = Future.succeededFuture();
    for (String id : ids) {
      chain = chain.compose(x -> action.apply(id).map(done -> {
        acted.add(done);
        return (Void) null;
      }).recover(err -> {
        if (err instanceof DomainException d && d.kind() == DomainException.Kind.NOT_FOUND) {
          missing.add(id);
        } else if (err instanceof DomainException d && d.kind() == DomainException.Kind.INVALID) {
          refused.add(id);
        } else {
          // Anything else (a queue bound, a full disk, an unreachable database or node) is this id's
          // outcome, not the request's: the ids already acted on are reported, and the rest go on.
          failed.add(new JsonObject().put("job_id", id)
              .put("status", err instanceof DomainException d ? d.kind().code : 503)
              .put("detail", err instanceof DomainException ? err.getMessage() : "could not be done now: " + err.getMessage()));
        }
        return Future.succeededFuture();
      }));
    }
    return chain.map(x -> new Done(acted, new JsonObject().put("missing", missing).put("failed", failed)));
  }

  public Future<JsonObject> archive(User user, List<String> ids) {
    // Ids that cannot be job ids are simply missing; they never reach a query.
    String[] plausible = ids.stream().filter(Ids::plausible).toArray(String[]::new);
    return pool.preparedQuery("""
            SELECT job_id, status FROM jobs WHERE job_id = ANY($1) AND ($2::bigint IS NULL OR owner_user_id = $2)""")
        .execute(Tuple.of(plausible, JobService.scope(user)))
        .compose(rows -> {
          java.util.Map<String, String> status = new java.util.HashMap<>();
          rows.forEach(r -> status.put(r.getString(0), r.getString(1)));
          // Answer in the order the ids were asked for.
          List<String> archivable = new ArrayList<>();
          JsonArray active = new JsonArray();
          JsonArray missing = new JsonArray();
          for (String id : ids) {
            String s = status.get(id);
            if (s == null) {
              missing.add(id);
            } else if (JobStatus.of(s).isActive()) {
              active.add(id);
            } else {
              archivable.add(id);
            }
          }
          return pool.preparedQuery("""
                  UPDATE jobs SET archived_at = coalesce(archived_at, clock_timestamp())
                  WHERE job_id = ANY($1) AND status IN """ + JobStatus.sql(JobStatus.terminal()))
              .execute(Tuple.of(archivable.toArray(new String[0])))
              .map(v -> new JsonObject().put("archived", new JsonArray(archivable)).put("missing", missing)
                  .put("skipped_active", active).put("count", archivable.size()));
        });
  }

  public Future<JsonObject> unarchive(User user, String jobId) {
    return service.visible(user, jobId).compose(job -> pool.preparedQuery(
            "UPDATE jobs SET archived_at = NULL WHERE job_id = $1").execute(Tuple.of(jobId)))
        .compose(v -> service.visible(user, jobId))
        .map(job -> new JsonObject().put("job", job.toJson()));
  }

  /**
   * Archives the caller's jobs last updated at or before now minus {@code hours}. With
   * {@code terminalOnly} (the default) only finished ones, and the expired jobs left alone because
   * they are still active are listed in skipped_running (the seed's behaviour); without it active
   * jobs are archived too (archiving only hides a job from the default list and counts).
   */
  public Future<JsonObject> archiveExpired(User user, double hours, boolean terminalOnly) {
    Long owner = JobService.scope(user);
    String expired = """
         archived_at IS NULL AND updated_at <= clock_timestamp() - make_interval(secs => $1)
          AND ($2::bigint IS NULL OR owner_user_id = $2)""";
    Tuple args = Tuple.of(hours * 3600, owner);
    return pool.preparedQuery("UPDATE jobs SET archived_at = clock_timestamp() WHERE " + expired
            + (terminalOnly ? " AND status IN " + JobStatus.sql(JobStatus.terminal()) : "") + " RETURNING job_id")
        .execute(args)
        .compose(archived -> {
          JsonArray ids = ids(archived);
          Future<JsonArray> skipped = !terminalOnly ? Future.succeededFuture(new JsonArray())
              : pool.preparedQuery("SELECT job_id FROM jobs WHERE " + expired + " AND status IN "
                  + JobStatus.sql(JobStatus.active()) + " ORDER BY updated_at, job_id").execute(args).map(BulkActions::ids);
          return skipped.map(s -> new JsonObject().put("archived", ids).put("count", ids.size()).put("hours", hours)
              .put("terminal_only", terminalOnly).put("skipped_running", s));
        });
  }

  private static JsonArray ids(io.vertx.sqlclient.RowSet<io.vertx.sqlclient.Row> rows) {
    JsonArray out = new JsonArray();
    rows.forEach(r -> out.add(r.getString(0)));
    return out;
  }
}
