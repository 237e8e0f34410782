package io.trainyard.retention;

import io.trainyard.auth.User;
import io.trainyard.jobs.BulkActions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;

import java.util.ArrayList;
import java.util.List;
import java.util.logging.Logger;

/**
 * Applies the retention settings in the background: finished jobs are archived
 * {@code retention.archive_terminal_after_hours} after their last change, and archived jobs are
 * deleted with their artifacts {@code retention.delete_archived_after_days} after archiving. Both are
 * off unless set. It uses the archive and delete code of the routes ({@link BulkActions}), acting
 * as the system over every user's jobs, so retention cannot do what a route would refuse (it never
 * touches an active job). Every node runs it; two passes at once only find less to do.
 */
public final class RetentionVerticle extends VerticleBase {
  private static final Logger LOG = Logger.getLogger(RetentionVerticle.class.getName());
  /** Retention acts for nobody in particular, over everybody's jobs (admin scope). */
  private static final User SYSTEM = new User(0, "retention", true, "serial", null);
  private final Pool pool;
  private final BulkActions bulk;
  private final Double archiveHours;
  private final Double deleteDays;
  private final long intervalMs;
  private Future<JsonObject> current;

  public RetentionVerticle(Pool pool, BulkActions bulk, JsonObject conf) {
    this.pool = pool;
    this.bulk = bulk;
    this.archiveHours = positive(conf, "archive_terminal_after_hours");
    this.deleteDays = positive(conf, "delete_archived_after_days");
    // At most hourly by default; a shorter interval is for tests and impatient operators.
    this.intervalMs = (long) (conf.getDouble("interval_minutes", 60.0) * 60_000);
  }

  private static Double positive(JsonObject conf, String key) {
    Object v = conf.getValue(key);
    if (v == null) {
      return null;
    }
    if (!(v instanceof Number n) || !(n.doubleValue() > 0)) {
      throw new IllegalArgumentException("retention." + key + " must be a number > 0 (or unset: off)");
    }
    return n.doubleValue();
  }

  @Override
  public Future<?> start() {
    vertx.eventBus().localConsumer(RetentionApi.RUN, m -> run().onComplete(ar -> {
      if (ar.succeeded()) {
        m.reply(ar.result());
      } else {
        m.fail(500, String.valueOf(ar.cause().getMessage()));
      }
    }));
    if (archiveHours != null || deleteDays != null) {
      vertx.setPeriodic(Math.min(intervalMs, 60_000), intervalMs, id -> run());
    }
    return Future.succeededFuture();
  }

  private Future<JsonObject> run() {
    if (current == null) {
      current = pass().onComplete(ar -> {
        current = null;
        if (ar.failed()) {
          LOG.warning("retention pass failed: " + ar.cause());
        } else if (ar.result().getInteger("archived") + ar.result().getInteger("deleted") > 0) {
          LOG.info("retention: " + ar.result().encode());
        }
      });
    }
    return current;
  }

  private Future<JsonObject> pass() {
    Future<Integer> archived = archiveHours == null ? Future.succeededFuture(0)
        : bulk.archiveExpired(SYSTEM, archiveHours, true).map(r -> r.getInteger("count"));
    return archived.compose(a -> (deleteDays == null ? Future.succeededFuture(0) : deleteArchived(0))
        .map(d -> new JsonObject().put("archived", a).put("deleted", d)
            .put("enabled", archiveHours != null || deleteDays != null)));
  }

  /** Deletes (and purges) archived jobs in rounds of at most {@link BulkActions#MAX_IDS}. */
  private Future<Integer> deleteArchived(int sofar) {
    return pool.preparedQuery("""
            SELECT job_id FROM jobs WHERE archived_at <= clock_timestamp() - make_interval(secs => $1)
             AND parent_id IS NULL ORDER BY archived_at, job_id LIMIT $2""")
        .execute(Tuple.of(deleteDays * 86_400, BulkActions.MAX_IDS))
        .compose(rows -> {
          List<String> ids = new ArrayList<>();
          rows.forEach(r -> ids.add(r.getString(0)));
          if (ids.isEmpty()) {
            return Future.succeededFuture(sofar);
          }
          return bulk.delete(SYSTEM, ids, true).compose(res -> {
            int n = res.getInteger("count");
            // Nothing deletable in a full round (all still active): stop rather than loop on them.
            return n == 0 || ids.size() < BulkActions.MAX_IDS ? Future.succeededFuture(sofar + n) : deleteArchived(sofar + n);
          });
        });
  }
}
