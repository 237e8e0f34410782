package io.trainyard.providers;

import io.trainyard.jobs.JobRepository;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;

import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * Cloud jobs' own SQL on the {@code jobs} table (plus webhook ids and the poll lease). Records are read
 * back through {@link JobRepository#find} so a cloud job has exactly the JobRecord shape of a local one.
 */
final class CloudJobRepository {
  static final String ACTIVE = "('pending', 'queued', 'running')";
  private final Pool pool;
  private final JobRepository jobs;

  CloudJobRepository(Pool pool, JobRepository jobs) {
    this.pool = pool;
    this.jobs = jobs;
  }

  /** A reference to an active cloud job the poller refreshes. */
  record Ref(String jobId, String externalId, String kind) {
  }

  Future<Optional<JsonObject>> find(String jobId) {
    return jobs.find(jobId, null);
  }

  /** A submission before the provider has acknowledged it. */
  Future<Void> insertPending(String jobId, String provider, long owner, JsonObject params, String hardware,
                             String logPath, String dir) {
    return pool.preparedQuery("""
            INSERT INTO jobs(job_id, job_type, provider, status, owner_user_id, params, log_path, artifacts_dir, hardware)
            VALUES ($1, 'cloud', $2, 'pending', $3, $4, $5, $6, $7)""")
        .execute(Tuple.of(jobId, provider, owner, params, logPath, dir, hardware)).mapEmpty();
  }

  /** Records the provider's id; false if another local job already holds it (a sync imported it meanwhile). */
  Future<Boolean> acknowledge(String jobId, String externalId) {
    return pool.preparedQuery("UPDATE jobs SET external_id = $2, updated_at = clock_timestamp() WHERE job_id = $1")
        .execute(Tuple.of(jobId, externalId)).map(r -> true)
        .recover(err -> uniqueViolation(err) ? Future.succeededFuture(false) : Future.failedFuture(err));
  }

  /** Removes a submission the provider refused (so a failed submit leaves no trace). */
  Future<Void> deletePending(String jobId) {
    return pool.preparedQuery("DELETE FROM jobs WHERE job_id = $1 AND status = 'pending' AND external_id IS NULL")
        .execute(Tuple.of(jobId)).mapEmpty();
  }

  /** pending (never acknowledged) -> canceled. */
  Future<Boolean> cancelUnacknowledged(String jobId) {
    return pool.preparedQuery("""
            UPDATE jobs SET status = 'canceled', cancel_requested = true, finished_at = clock_timestamp(),
              updated_at = clock_timestamp(), error = 'canceled before the provider acknowledged it'
            WHERE job_id = $1 AND status = 'pending' AND external_id IS NULL""")
        .execute(Tuple.of(jobId)).map(r -> r.rowCount() == 1);
  }

  /** Marks cancel as requested while the provider is still stopping the job. */
  Future<Void> flagCancel(String jobId) {
    return pool.preparedQuery("""
            UPDATE jobs SET cancel_requested = true, updated_at = clock_timestamp()
            WHERE job_id = $1 AND status IN """ + ACTIVE)
        .execute(Tuple.of(jobId)).mapEmpty();
  }

  /**
   * Submissions whose acknowledgement never got written (the server stopped between the provider's
   * answer and our update) fail after a while instead of staying pending forever. Answers their ids.
   */
  Future<List<String>> failUnacknowledged(long olderThanSeconds) {
    return pool.preparedQuery("""
            UPDATE jobs SET status = 'failed', finished_at = clock_timestamp(), updated_at = clock_timestamp(),
              error = 'the provider never acknowledged the submission'
            WHERE provider <> 'local' AND status = 'pending' AND external_id IS NULL
              AND created_at < clock_timestamp() - make_interval(secs => $1) RETURNING job_id""")
        .execute(Tuple.of((double) olderThanSeconds))
        .map(rows -> {
          List<String> ids = new ArrayList<>();
          rows.forEach(r -> ids.add(r.getString(0)));
          return ids;
        });
  }

  Future<Optional<String>> jobIdByExternal(String provider, String externalId) {
    return pool.preparedQuery("SELECT job_id FROM jobs WHERE provider = $1 AND external_id = $2")
        .execute(Tuple.of(provider, externalId))
        .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(rows.iterator().next().getString(0)));
  }

  /** Whether a submission to this provider is waiting for its acknowledgement to be written. */
  Future<Boolean> hasUnacknowledged(String provider) {
    return pool.preparedQuery("""
            SELECT EXISTS (SELECT 1 FROM jobs WHERE provider = $1 AND status = 'pending' AND external_id IS NULL
              AND created_at > clock_timestamp() - interval '5 minutes')""")
        .execute(Tuple.of(provider)).map(r -> r.iterator().next().getBoolean(0));
  }

  /** Which of these provider ids already have a local job (of any owner). */
  Future<Set<String>> knownExternalIds(String provider, List<String> externalIds) {
    return pool.preparedQuery("SELECT external_id FROM jobs WHERE provider = $1 AND external_id = ANY($2)")
        .execute(Tuple.tuple().addString(provider).addArrayOfString(externalIds.toArray(new String[0])))
        .map(rows -> {
          Set<String> out = new HashSet<>();
          rows.forEach(r -> out.add(r.getString(0)));
          return out;
        });
  }

  /** A job discovered at the provider; false if another sync imported it first. */
  Future<Boolean> insertDiscovered(String jobId, String provider, long owner, JsonObject params, String externalId,
                                   OffsetDateTime createdAt, String logPath, String dir) {
    return pool.preparedQuery("""
            INSERT INTO jobs(job_id, job_type, provider, status, owner_user_id, params, external_id, created_at,
                             log_path, artifacts_dir)
            VALUES ($1, 'cloud', $2, 'pending', $3, $4, $5, coalesce($6, clock_timestamp()), $7, $8)
            ON CONFLICT (provider, external_id) WHERE external_id IS NOT NULL DO NOTHING""")
        .execute(Tuple.of(jobId, provider, owner, params, externalId, createdAt, logPath, dir))
        .map(r -> r.rowCount() == 1);
  }

  /**
   * One page of the active, acknowledged cloud jobs of a provider after {@code afterJobId} (keyset
   * paging, so every active job is visited however many there are); {@code owner} null = every user.
   */
  Future<List<Ref>> activePage(String provider, Long owner, String afterJobId, int limit) {
    return pool.preparedQuery("""
            SELECT job_id, external_id, params->>'kind' AS kind FROM jobs
            WHERE provider = $1 AND provider <> 'local' AND status IN """ + ACTIVE + """
               AND external_id IS NOT NULL AND job_id > $2 AND ($3::bigint IS NULL OR owner_user_id = $3)
            ORDER BY job_id LIMIT $4""")
        .execute(Tuple.of(provider, afterJobId, owner, limit))
        .map(rows -> {
          List<Ref> out = new ArrayList<>();
          rows.forEach(r -> out.add(new Ref(r.getString("job_id"), r.getString("external_id"), r.getString("kind"))));
          return out;
        });
  }

  /**
   * Applies {@code decide} to the job's row under a row lock, so concurrent polls and webhooks (on any
   * node) take turns; the UPDATE is still guarded by the terminal statuses.
   */
  Future<Optional<CloudTransition.Update>> apply(String jobId,
                                                 Function<CloudTransition.State, Optional<CloudTransition.Update>> decide,
                                                 Function<CloudTransition.Update, Future<Void>> beforeCommit) {
    // Most polls change nothing: decide on a plain read first and lock only when there is something to write.
    return pool.preparedQuery(STATE + " WHERE job_id = $1").execute(Tuple.of(jobId)).compose(rows -> {
      if (rows.size() == 0 || decide.apply(state(rows.iterator().next())).isEmpty()) {
        return Future.succeededFuture(Optional.<CloudTransition.Update>empty());
      }
      return applyLocked(jobId, decide, beforeCommit);
    });
  }

  private static final String STATE = """
      SELECT status, provider_status, error, unknown_since, provider_log_bytes, started_at, finished_at,
             cost_usd, stage, progress, eta_seconds, last_log, hardware
      FROM jobs""";

  /**
   * Decides under the row lock; {@code beforeCommit} runs before the row is written (the log file),
   * so whoever sees the new progress in the row also finds the log text it came from.
   */
  private Future<Optional<CloudTransition.Update>> applyLocked(String jobId,
      Function<CloudTransition.State, Optional<CloudTransition.Update>> decide,
      Function<CloudTransition.Update, Future<Void>> beforeCommit) {
    return pool.withTransaction(tx -> tx.preparedQuery(STATE + " WHERE job_id = $1 FOR UPDATE")
        .execute(Tuple.of(jobId))
        .compose(rows -> {
          if (rows.size() == 0) {
            return Future.succeededFuture(Optional.<CloudTransition.Update>empty());
          }
          Optional<CloudTransition.Update> update = decide.apply(state(rows.iterator().next()));
          if (update.isEmpty()) {
            return Future.succeededFuture(update);
          }
          CloudTransition.State n = update.get().next();
          return beforeCommit.apply(update.get()).compose(written -> tx.preparedQuery("""
                  UPDATE jobs SET status = $2, provider_status = $3, error = $4, unknown_since = $5,
                    provider_log_bytes = $6, started_at = $7, finished_at = $8, cost_usd = $9, stage = $10,
                    progress = $11, eta_seconds = $12, last_log = $13, updated_at = clock_timestamp()
                  WHERE job_id = $1 AND status NOT IN ('success', 'failed', 'canceled')""")
              .execute(Tuple.tuple().addString(jobId).addString(n.status()).addString(n.providerStatus())
                  .addString(n.error()).addOffsetDateTime(n.unknownSince()).addLong(n.logBytes())
                  .addOffsetDateTime(n.startedAt()).addOffsetDateTime(n.finishedAt()).addDouble(n.costUsd())
                  .addString(n.stage()).addDouble(n.progress()).addLong(n.etaSeconds()).addString(n.lastLog()))
              .map(r -> r.rowCount() == 1 ? update : Optional.<CloudTransition.Update>empty()));
        }));
  }

  /** True the first time a webhook id is seen (on any node, across restarts). */
  Future<Boolean> firstDelivery(String provider, String webhookId) {
    return pool.preparedQuery("""
            INSERT INTO webhook_deliveries(provider, webhook_id) VALUES ($1, $2) ON CONFLICT DO NOTHING""")
        .execute(Tuple.of(provider, webhookId)).map(r -> r.rowCount() == 1);
  }

  /** Forgets a delivery we could not apply, so the provider's retry is not taken for a replay. */
  Future<Void> forgetDelivery(String provider, String webhookId) {
    return pool.preparedQuery("DELETE FROM webhook_deliveries WHERE provider = $1 AND webhook_id = $2")
        .execute(Tuple.of(provider, webhookId)).mapEmpty();
  }

  /** Old ids can go: a delivery older than the signature tolerance is refused by its timestamp anyway. */
  Future<Integer> pruneDeliveries(long olderThanSeconds) {
    return pool.preparedQuery("DELETE FROM webhook_deliveries WHERE received_at < now() - make_interval(secs => $1)")
        .execute(Tuple.of((double) olderThanSeconds)).map(r -> r.rowCount());
  }

  /** Takes or renews the poll lease; false while another node holds an unexpired one. */
  Future<Boolean> holdLease(String name, String holder, long seconds) {
    return pool.preparedQuery("""
            INSERT INTO provider_poll_lease(name, holder, expires_at)
            VALUES ($1, $2, clock_timestamp() + make_interval(secs => $3))
            ON CONFLICT (name) DO UPDATE SET holder = $2, expires_at = clock_timestamp() + make_interval(secs => $3)
            WHERE provider_poll_lease.holder = $2 OR provider_poll_lease.expires_at < clock_timestamp()
            RETURNING holder""")
        .execute(Tuple.of(name, holder, (double) seconds)).map(r -> r.rowCount() == 1);
  }

  Future<Void> releaseLease(String name, String holder) {
    return pool.preparedQuery("DELETE FROM provider_poll_lease WHERE name = $1 AND holder = $2")
        .execute(Tuple.of(name, holder)).mapEmpty();
  }

  private static CloudTransition.State state(Row r) {
    return new CloudTransition.State(r.getString("status"), r.getString("provider_status"), r.getString("error"),
        r.getOffsetDateTime("unknown_since"), r.getLong("provider_log_bytes"), r.getOffsetDateTime("started_at"),
        r.getOffsetDateTime("finished_at"), r.getDouble("cost_usd"), r.getString("stage"), r.getDouble("progress"),
        r.getLong("eta_seconds"), r.getString("last_log"), r.getString("hardware"));
  }

  static boolean uniqueViolation(Throwable err) {
    return err instanceof PgException pg && "23505".equals(pg.getSqlState());
  }
}
