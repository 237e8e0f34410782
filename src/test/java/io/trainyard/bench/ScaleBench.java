package io.trainyard.bench;

import io.trainyard.jobs.JobFilter;
import io.trainyard.testing.Api;
import io.trainyard.testing.SharedPostgres;
import io.trainyard.testing.TestServer;
import io.vertx.core.json.JsonObject;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Arrays;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * Loads N jobs (default 1,000,000) into a real node's PostgreSQL and prints p50/p99 of the list's first
 * page, a cursor page at depth, counts and 30-day analytics over HTTP, beside the cost of the same
 * data read directly in PostgreSQL, and beside the naive queries the rollups replace. A benchmark,
 * not a test: it prints figures and asserts nothing.
 */
public final class ScaleBench {
  private static final int USERS = 10;
  private static final int SAMPLES = 300;
  private static final int WARMUP = 50;

  private ScaleBench() {
  }

  public static void main(String[] args) throws Exception {
    int rows = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
    String db = SharedPostgres.newDatabase();
    try (TestServer server = TestServer.start(db, c -> c.getJsonObject("scheduler").put("tick_ms", 60_000))) {
      Api admin = server.admin();
      Api user = null;
      for (int i = 1; i <= USERS; i++) {
        user = server.user("bench" + i, i % 2 == 0 ? "parallel" : "serial");
      }
      long t0 = System.nanoTime();
      load(server, rows);
      System.out.printf(Locale.ROOT, "loaded %,d jobs for %d users over 30 days in %.1f s (triggers keeping counts and daily rollups on)%n",
          rows, USERS, (System.nanoTime() - t0) / 1e9);

      try (Connection c = server.sql()) {
        long uid = user.userId();
        String deep = cursorAt(c, null, rows / 2);
        String userDeep = cursorAt(c, uid, rows / USERS / 2);
        System.out.printf("%n%-44s %10s %10s%n", "query (" + SAMPLES + " samples each)", "p50 ms", "p99 ms");
        final Api u = user;
        row("HTTP  list first page (user)", () -> u.get("/api/jobs?limit=100").expect(200));
        row("HTTP  list first page (admin, all users)", () -> admin.get("/api/jobs?limit=100").expect(200));
        row("HTTP  cursor page at depth " + rows / USERS / 2 + " (user)", () -> u.get("/api/jobs?limit=100&cursor=" + userDeep).expect(200));
        row("HTTP  cursor page at depth " + rows / 2 + " (admin)", () -> admin.get("/api/jobs?limit=100&cursor=" + deep).expect(200));
        row("HTTP  counts (user)", () -> u.get("/api/jobs/counts").expect(200));
        row("HTTP  counts (admin)", () -> admin.get("/api/jobs/counts").expect(200));
        row("HTTP  analytics 30 days (user)", () -> u.get("/api/analytics?days=30").expect(200));
        row("HTTP  analytics 30 days (admin)", () -> admin.get("/api/analytics?days=30").expect(200));
        String idPrefix = "job_bench_" + rows / 3;
        // What the searches find, so a fast answer cannot be an empty one.
        System.out.printf(Locale.ROOT, "search totals: lr=0.0013 (user) %d, id prefix %d, \"step 4327\" %d, diverged %d%s%n",
            u.get("/api/jobs?q=lr=0.0013").json().getLong("total"), admin.get("/api/jobs?q=" + idPrefix).json().getLong("total"),
            admin.get("/api/jobs?q=step%204327").json().getLong("total"), admin.get("/api/jobs?q=diverged").json().getLong("total"),
            admin.get("/api/jobs?q=diverged").json().getBoolean("total_capped") ? " (capped)" : "");
        row("HTTP  q=lr=0.0013 first page (user; 1 in 1,000 match)", () -> u.get("/api/jobs?limit=100&q=lr=0.0013").expect(200));
        row("HTTP  q=lr=0.0013 first page (admin)", () -> admin.get("/api/jobs?limit=100&q=lr=0.0013").expect(200));
        row("HTTP  q=<job id prefix> (admin)", () -> admin.get("/api/jobs?limit=100&q=" + idPrefix).expect(200));
        row("HTTP  q=\"step 4327\" error text (admin)", () -> admin.get("/api/jobs?limit=100&q=step%204327").expect(200));
        row("HTTP  q=diverged, 20% match, capped total (admin)", () -> admin.get("/api/jobs?limit=100&q=diverged").expect(200));
        row("HTTP  sort=started_at first page (user)", () -> u.get("/api/jobs?limit=100&sort=started_at").expect(200));
        row("HTTP  sort=finished_at&order=asc (admin)", () -> admin.get("/api/jobs?limit=100&sort=finished_at&order=asc").expect(200));
        row("HTTP  sort=status first page (admin)", () -> admin.get("/api/jobs?limit=100&sort=status").expect(200));
        row("HTTP  sort=priority&status=failed (user)", () -> u.get("/api/jobs?limit=100&sort=priority&status=failed").expect(200));
        row("HTTP  health (baseline: one round trip)", () -> admin.get("/api/health").expect(200));
        row("SQL   first page (user)", () -> sql(c, "SELECT * FROM jobs WHERE archived_at IS NULL AND owner_user_id = " + uid
            + " ORDER BY created_at DESC, job_id DESC LIMIT 100"));
        row("SQL   counts from job_counts (admin)", () -> sql(c,
            "SELECT status, sum(n) FROM job_counts WHERE archived = false GROUP BY status"));
        row("SQL   daily rollup rows, 30 days (all users)", () -> sql(c,
            "SELECT * FROM job_daily WHERE day > current_date - 30 AND owner_user_id = 0"));
        int naive = Math.min(SAMPLES, 30);
        row("SQL   naive counts: GROUP BY over jobs (admin)", naive, () -> sql(c,
            "SELECT status, count(*) FROM jobs WHERE archived_at IS NULL GROUP BY status"));
        row("SQL   naive offset page at depth " + rows / 2, naive, () -> sql(c,
            "SELECT * FROM jobs WHERE archived_at IS NULL ORDER BY created_at DESC, job_id DESC LIMIT 100 OFFSET " + rows / 2));
        row("SQL   naive analytics: percentile_cont over jobs", naive, () -> sql(c, """
            SELECT (created_at AT TIME ZONE 'UTC')::date, job_type, count(*),
              percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM finished_at - started_at)),
              percentile_cont(0.95) WITHIN GROUP (ORDER BY extract(epoch FROM finished_at - started_at))
            FROM jobs WHERE created_at > now() - interval '30 days' GROUP BY 1, 2"""));
      }
    }
    System.exit(0);
  }

  /** Jobs spread over 30 days, inserted as running and then finished, so the rollups see the real path. */
  private static void load(TestServer server, int rows) throws Exception {
    try (Connection c = server.sql(); Statement s = c.createStatement()) {
      int batch = 100_000;
      for (int from = 1; from <= rows; from += batch) {
        int to = Math.min(rows, from + batch - 1);
        s.executeUpdate("""
            INSERT INTO jobs(job_id, job_type, provider, status, owner_user_id, params, priority, node_id,
                             created_at, started_at, updated_at)
            SELECT 'job_bench_' || g, CASE WHEN g %% 4 = 0 THEN 'predict' ELSE 'train' END, 'local', 'running',
                   (SELECT min(id) FROM users WHERE username = 'bench1') + (g %% %d),
                   -- Parameters vary (1,000 learning rates, 4 batch sizes) so that searches have something to find.
                   jsonb_build_object('dataset_id', 'demo', 'lr', (g %% 1000 + 1) * 0.00001, 'batch_size', 32 * (1 + g %% 4)),
                   g %% 5,
                   'bench-node', ts, ts + (g %% 97) * interval '1 second', ts
            FROM (SELECT g, now() - (g::double precision / %d) * interval '30 days' AS ts
                  FROM generate_series(%d, %d) g) x""".formatted(USERS, rows, from, to));
        // One pass over this batch's rows (still 'running', on the bench node): no join whose plan could
        // go wrong on freshly inserted, unanalyzed rows.
        s.executeUpdate("""
            UPDATE jobs SET status = CASE WHEN substr(job_id, 11)::int %% 10 < 7 THEN 'success'
                                          WHEN substr(job_id, 11)::int %% 10 < 9 THEN 'failed' ELSE 'canceled' END,
                            finished_at = started_at + (5 + substr(job_id, 11)::int %% 600) * interval '1 second',
                            error = CASE WHEN substr(job_id, 11)::int %% 10 IN (7, 8)
                                         THEN 'ERROR: loss diverged at step ' || substr(job_id, 11)::int %% 5000 END,
                            updated_at = started_at
            WHERE status = 'running' AND node_id = 'bench-node'""".formatted());
        System.out.printf(Locale.ROOT, "  %,d rows%n", to);
      }
      s.execute("VACUUM ANALYZE jobs");
      // The archive-expired path at scale: one statement over every job, aggregated by the triggers.
      long t = System.nanoTime();
      int archived = s.executeUpdate("UPDATE jobs SET archived_at = now() WHERE archived_at IS NULL AND created_at < now() - interval '29 days'");
      s.executeUpdate("UPDATE jobs SET archived_at = NULL WHERE archived_at IS NOT NULL");
      System.out.printf(Locale.ROOT, "archived and unarchived %,d jobs in one statement each: %.1f s%n", archived, (System.nanoTime() - t) / 1e9);
      s.execute("VACUUM ANALYZE jobs");
      // What autovacuum does to these small, hot tables in a running system (see V002's settings).
      s.execute("VACUUM ANALYZE job_counts");
      s.execute("VACUUM ANALYZE job_daily");
    }
  }

  private static String cursorAt(Connection c, Long owner, int depth) throws Exception {
    try (PreparedStatement ps = c.prepareStatement("SELECT created_at, job_id FROM jobs WHERE archived_at IS NULL"
        + (owner == null ? "" : " AND owner_user_id = " + owner) + " ORDER BY created_at DESC, job_id DESC OFFSET ? LIMIT 1")) {
      ps.setInt(1, depth);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return new JobFilter.Cursor(rs.getObject(1, java.time.OffsetDateTime.class), rs.getString(2)).encode();
      }
    }
  }

  private static Object sql(Connection c, String q) {
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(q)) {
      int n = 0;
      while (rs.next()) {
        n++;
      }
      return n;
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static void row(String name, Supplier<Object> op) {
    row(name, SAMPLES, op);
  }

  private static void row(String name, int samples, Supplier<Object> op) {
    for (int i = 0; i < Math.min(WARMUP, samples); i++) {
      op.get();
    }
    double[] ms = new double[samples];
    for (int i = 0; i < samples; i++) {
      long t = System.nanoTime();
      op.get();
      ms[i] = (System.nanoTime() - t) / 1e6;
    }
    Arrays.sort(ms);
    System.out.printf(Locale.ROOT, "%-44s %10.2f %10.2f%n", name, ms[samples / 2], ms[(int) Math.ceil(samples * 0.99) - 1]);
  }
}
