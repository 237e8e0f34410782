package io.trainyard.jobs;

import io.trainyard.auth.User;
import io.trainyard.store.Times;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;

/**
 * A job's state history, oldest first: {@code {items: [{at, from, to, reason, by}], rerun_of, reruns}}. The rows are
 * written by triggers on the ledger's own statements (migration V009), so every transition, a new
 * one included, is recorded in the transaction that made it; this class only reads them.
 * {@code by} is {@code user:<id>}, {@code user}, {@code scheduler}, {@code supervisor},
 * {@code dependency}, {@code sweep}, {@code provider:<name>} or what a transition named itself.
 */
public final class JobHistory {
  /** A job older than this many events shows its newest ones (a history is a few rows; this is a guard). */
  static final int MAX_EVENTS = 1000;
  private final Pool pool;
  private final JobService jobs;

  public JobHistory(Pool pool, JobService jobs) {
    this.pool = pool;
    this.jobs = jobs;
  }

  public Future<JsonObject> of(User user, String jobId) {
    return jobs.visible(user, jobId).compose(job -> pool.preparedQuery("""
            SELECT at, from_status, to_status, reason, by FROM (
              SELECT * FROM job_events WHERE job_id = $1 ORDER BY id DESC LIMIT $2) e ORDER BY id""")
        .execute(Tuple.of(jobId, MAX_EVENTS))
        .compose(rows -> lineage(jobId, JobService.scope(user)).map(lineage -> {
          JsonArray items = new JsonArray();
          rows.forEach(r -> items.add(new JsonObject().put("at", Times.iso(r.getOffsetDateTime(0)))
              .put("from", r.getString(1)).put("to", r.getString(2)).put("reason", r.getString(3))
              .put("by", r.getString(4))));
          return lineage.put("job_id", jobId).put("items", items);
        })));
  }

  /**
   * {@code rerun_of}: the job this one was rerun from (null if none or no longer visible), and
   * {@code reruns}: the visible jobs rerun from this one, oldest first.
   */
  private Future<JsonObject> lineage(String jobId, Long viewer) {
    return pool.preparedQuery("""
            SELECT 'of' AS way, r.rerun_of AS id, j.created_at FROM job_reruns r JOIN jobs j ON j.job_id = r.rerun_of
            WHERE r.job_id = $1 AND ($2::bigint IS NULL OR j.owner_user_id = $2)
            UNION ALL
            SELECT 'from', r.job_id, j.created_at FROM job_reruns r JOIN jobs j ON j.job_id = r.job_id
            WHERE r.rerun_of = $1 AND ($2::bigint IS NULL OR j.owner_user_id = $2)
            ORDER BY 3""")
        .execute(Tuple.of(jobId, viewer))
        .map(rows -> {
          JsonObject out = new JsonObject().put("rerun_of", null);
          JsonArray reruns = new JsonArray();
          rows.forEach(r -> {
            if (r.getString(0).equals("of")) {
              out.put("rerun_of", r.getString(1));
            } else {
              reruns.add(r.getString(1));
            }
          });
          return out.put("reruns", reruns);
        });
  }
}
