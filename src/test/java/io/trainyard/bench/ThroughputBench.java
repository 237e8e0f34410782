package io.trainyard.bench;

import io.trainyard.app.AppConfig;
import io.trainyard.bench.BenchSupport.LongList;
import io.trainyard.testing.Api;
import io.trainyard.testing.TestServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import static io.trainyard.bench.BenchSupport.ms;
import static io.trainyard.bench.BenchSupport.pct;
import static io.trainyard.bench.BenchSupport.progress;

/**
 * Throughput and latency of a real in-process node, each figure beside a baseline measured in the
 * same run on the same machine (a benchmark, not a test: it prints figures and asserts nothing).
 *
 * <ol>
 *   <li><b>HTTP submissions/s</b>: {@code POST /api/jobs/train} from 8 concurrent keep-alive connections
 *   ({@link LoadClient}) for a fixed time, with 0, 10,000 and 100,000 jobs already queued, plus p50/p99
 *   request latency; baseline: durable single-row INSERTs (autocommit) into a scratch table of the same
 *   PostgreSQL database over 8 JDBC connections, with its fsync/synchronous_commit as the server has it.</li>
 *   <li><b>Batch submissions</b>: {@code POST /api/jobs/batch} with 1,000 train submissions per request
 *   (printed "n/a (route missing)" while the route answers 404/405); baseline: INSERT statements of 1,000
 *   rows each into the scratch table.</li>
 *   <li><b>Trivial process jobs end to end</b>: {@code /bin/true} as the train command, one parallel
 *   user, parallel_limit = node_capacity = 3 and 8; jobs/s from the first submit to the last
 *   {@code success} event on the bridge; baseline: a plain thread pool of 3 and 8 threads running
 *   {@code setsid /bin/true} with ProcessBuilder (as the Launcher does) and waiting for it.</li>
 *   <li><b>Idle node latencies</b>: submit -> {@code running} event and cancel -> {@code canceled} event of
 *   a running {@code sleep}; baselines: the submission's own HTTP answer, and SIGTERM -> exit observed
 *   of the same program started with ProcessBuilder.</li>
 *   <li><b>Push latencies</b>: {@link PushBench}'s exit and log scenarios at 1 and 100 bridge clients,
 *   beside its bridge scenario (a publish on the node's event bus -> client arrival).</li>
 * </ol>
 *
 * <p><b>The backlog of figure 1.</b> The queued jobs are inserted with SQL ({@code generate_series}) as
 * queued {@code train} jobs of 200 backlog users. Every backlog user is in serial mode and already has
 * one job {@code running} on another node ({@code node_id = 'bench-peer'}, a cluster peer that is not
 * started), so every user's slot is full and nothing may start. That keeps the scheduler's real path
 * under load: each submission wakes it, and each pass runs the full claim transaction, whose PICK ranks
 * every queued job (a window over the whole backlog), joins the users and the running counts, and only
 * then finds no free slot. The holding jobs are on a peer rather than on this node on purpose: this
 * node's running jobs count against its capacity, and a full node skips the PICK altogether, which would
 * hide the backlog's cost. (Jobs depending on a job that never finishes would also stay queued, but
 * they leave the PICK's ranking through its dependency test, a different path from full slots.) The
 * submitting user is in serial mode with its slot held the same way, so its submissions queue too: the
 * figure is submissions, not process churn; its own queue grows by what it submits during a level and
 * is deleted before the next one. After each bulk insert the table is VACUUM ANALYZEd, as autovacuum
 * would soon do in a running system.
 */
public final class ThroughputBench {
  private static final String LOAD_AT_START = BenchSupport.loadavg();
  private static final String TRAIN_BODY = new JsonObject().put("dataset_id", "demo").put("gene_size", 64)
      .put("output_dim", 4).put("epochs", 1).encode();
  private static final int CONNECTIONS = 8;
  private static final int BATCH = 1000;
  private static final int BACKLOG_USERS = 200;
  private static final String PEER = "bench-peer";

  private ThroughputBench() {
  }

  /** Command-line options ({@code --name=value}). */
  static final class Opts {
    boolean quick;
    double seconds = 15;
    double warmupSeconds = 3;
    int[] backlog = {0, 10_000, 100_000};
    int batches = 24;
    int processJobs = 400;
    int latencySamples = 100;
    String parts = "1,2,3,4,5";
    int deadlineS = 900;

    boolean part(int n) {
      return Arrays.asList(parts.split(",")).contains(Integer.toString(n));
    }
  }

  /** One line of the final table. */
  record Row(String figure, String trainyard, String baseline, String ratio, String target, String met) {
  }

  private static final List<Row> ROWS = new ArrayList<>();
  private static final List<String> NOTES = new ArrayList<>();

  public static void main(String[] args) throws Exception {
    Opts o = parse(args);
    BenchSupport.quietLogs();
    BenchSupport.watchdog("ThroughputBench", o.deadlineS);
    progress("ThroughputBench" + (o.quick ? " --quick" : "") + "; load average at start " + LOAD_AT_START);
    List<PushClient> live = new CopyOnWriteArrayList<>();
    ScheduledExecutorService pinger = BenchSupport.pinger(live);
    int exit = 0;
    try {
      if (o.part(1) || o.part(2)) {
        guarded("1/2", () -> submissions(o));
      }
      if (o.part(3)) {
        for (int slots : new int[] {3, 8}) {
          guarded("3", () -> processJobs(o, slots, live));
        }
      }
      if (o.part(4)) {
        guarded("4", () -> idleLatency(o, live));
      }
      if (o.part(5)) {
        guarded("5", () -> push(o));
      }
    } catch (Exception e) {
      e.printStackTrace();
      exit = 1;
    } finally {
      pinger.shutdownNow();
    }
    print(o);
    System.out.flush();
    System.exit(exit);
  }

  private interface Part {
    void run() throws Exception;
  }

  /** A part that breaks is reported and the run goes on with the next one. */
  private static void guarded(String part, Part p) {
    try {
      p.run();
    } catch (Exception | AssertionError e) {
      progress("part " + part + " failed: " + e);
      e.printStackTrace();
      NOTES.add("part " + part + " failed, its figures are missing: " + e);
    }
  }

  /** PostgreSQL's durability settings, read from the first node's database. */
  private static String pgSettings = "?";

  /** Starts a node on a new database of the shared embedded PostgreSQL. */
  private static TestServer node(Consumer<JsonObject> tweak) throws Exception {
    // The queues measured here hold up to 100,000 jobs of one user: lift the per-user bound.
    TestServer server = TestServer.start(c -> {
      AppConfig.put(c, "limits.max_queued_per_user", Long.MAX_VALUE);
      tweak.accept(c);
    });
    if (pgSettings.equals("?")) {
      try (Connection c = server.sql(); Statement s = c.createStatement()) {
        List<String> out = new ArrayList<>();
        for (String name : List.of("fsync", "synchronous_commit", "full_page_writes", "wal_sync_method")) {
          out.add(name + "=" + text(s, "SHOW " + name));
        }
        pgSettings = String.join(", ", out);
      }
    }
    return server;
  }

  // ---------------------------------------------------------------------------------------------------
  // 1 + 2: HTTP submissions with a backlog, and batch submissions

  private static void submissions(Opts o) throws Exception {
    progress("part 1: starting a node (submitter and " + BACKLOG_USERS + " backlog users serial, slots held on '" + PEER + "')");
    TestServer server = node(c -> AppConfig.put(c, "jobs.types.train.command", new JsonArray().add("/bin/true")));
    Api submitter = server.user("bench", "serial");
    long uid = submitter.userId();
    try (Connection c = server.sql(); Statement s = c.createStatement();
         LoadClient http = new LoadClient(server.port(), submitter.token(), CONNECTIONS)) {
      s.execute("""
          CREATE TABLE bench_scratch(id bigserial PRIMARY KEY, owner_user_id bigint NOT NULL, payload jsonb NOT NULL,
                                     created_at timestamptz NOT NULL DEFAULT clock_timestamp())""");
      s.execute("INSERT INTO users(username, password_hash, schedule_mode) SELECT 'backlog' || g, '!', 'serial' "
          + "FROM generate_series(1, " + BACKLOG_USERS + ") g");
      long firstBacklogUser = scalar(s, "SELECT min(id) FROM users WHERE username LIKE 'backlog%'");
      if (scalar(s, "SELECT max(id) FROM users WHERE username LIKE 'backlog%'") != firstBacklogUser + BACKLOG_USERS - 1) {
        throw new IllegalStateException("backlog users do not have consecutive ids");
      }
      s.execute("""
          INSERT INTO jobs(job_id, job_type, provider, status, owner_user_id, params, node_id, started_at)
          SELECT 'job_bench_hold_' || id, 'train', 'local', 'running', id, '{}', '%s', clock_timestamp()
          FROM users WHERE username LIKE 'backlog%%' OR id = %d""".formatted(PEER, uid));
      int queued = 0;
      for (int i = 0; i < o.backlog.length; i++) {
        int level = o.backlog[i];
        if (level > queued) {
          long t = System.nanoTime();
          s.executeUpdate("""
              INSERT INTO jobs(job_id, job_type, provider, status, owner_user_id, params)
              SELECT 'job_bench_q' || lpad(g::text, 8, '0'), 'train', 'local', 'queued', %d + g %% %d, '%s'::jsonb
              FROM generate_series(%d, %d) g""".formatted(firstBacklogUser, BACKLOG_USERS, TRAIN_BODY, queued + 1, level));
          progress(String.format(Locale.ROOT, "part 1: backlog %,d -> %,d queued jobs inserted in %.1f s", queued, level,
              (System.nanoTime() - t) / 1e9));
          queued = level;
        }
        s.executeUpdate("DELETE FROM jobs WHERE owner_user_id = " + uid + " AND status = 'queued'");
        s.execute("VACUUM ANALYZE jobs");
        if (o.part(1)) {
          if (i == 0) {
            clientFloor(o, http);
          }
          submissionLevel(o, s, http, uid, level);
        }
        if (i == 0 && o.part(2)) {
          batch(o, s, http, uid);
        }
      }
    } finally {
      BenchSupport.stop(server);
    }
  }

  /** What the load client and the HTTP stack manage at all: a bound on what any route can do here. */
  private static void clientFloor(Opts o, LoadClient http) throws Exception {
    double secs = Math.min(o.seconds, 5);
    http.run("/api/health", null, Integer.MAX_VALUE, o.warmupSeconds, null);
    LoadClient.Outcome h = http.run("/api/health", null, Integer.MAX_VALUE, secs, null);
    NOTES.add(String.format(Locale.ROOT, "1: floor of the client and HTTP stack: GET /api/health (one SELECT 1, no auth) "
        + "over %d connections: %s, p50 %s / p99 %s ms", CONNECTIONS, rate(h.perSecond(), "/s"), ms(h.p(0.50)), ms(h.p(0.99))));
  }

  private static void submissionLevel(Opts o, Statement s, LoadClient http, long uid, int level) throws Exception {
    String label = String.format(Locale.ROOT, "%,d queued", level);
    progress("part 1: " + label + ": " + o.warmupSeconds + " s warm-up, then " + o.seconds + " s of POST /api/jobs/train over "
        + CONNECTIONS + " connections");
    http.run("/api/jobs/train", TRAIN_BODY, Integer.MAX_VALUE, o.warmupSeconds, null);
    LoadClient.Outcome ty = http.run("/api/jobs/train", TRAIN_BODY, Integer.MAX_VALUE, o.seconds, null);
    long started = scalar(s, "SELECT count(*) FROM jobs WHERE owner_user_id = " + uid + " AND status <> 'queued' "
        + "AND node_id IS DISTINCT FROM '" + PEER + "'");
    long backlogNow = scalar(s, "SELECT count(*) FROM jobs WHERE status = 'queued'");
    progress("part 1: " + label + ": baseline, single-row INSERTs over " + CONNECTIONS + " JDBC connections");
    Sql base = inserts(s.getConnection(), 1, o.seconds);
    ROWS.add(throughput("submissions/s, " + label, ty.perSecond(), base.perSecond(), "INSERT/s", null));
    ROWS.add(latency("  submit latency p50, " + label, ty.p(0.50), base.p(0.50), null));
    ROWS.add(latency("  submit latency p99, " + label, ty.p(0.99), base.p(0.99), null));
    NOTES.add(String.format(Locale.ROOT, "1 (%s): %,d submissions in %.1f s (%d refused%s); queued jobs at the end %,d; "
            + "submitter's jobs started meanwhile: %d", label, ty.ok(), ty.seconds(), ty.failed(),
        ty.firstFailure() == null ? "" : ", e.g. " + ty.firstFailure(), backlogNow, started));
  }

  private static void batch(Opts o, Statement s, LoadClient http, long uid) throws Exception {
    JsonArray jobs = new JsonArray();
    for (int i = 0; i < BATCH; i++) {
      jobs.add(new JsonObject(TRAIN_BODY).put("job_type", "train"));
    }
    String body = new JsonObject().put("jobs", jobs).encode();
    progress("part 2: probing POST /api/jobs/batch with " + BATCH + " train submissions");
    LoadClient.Reply probe = http.once("/api/jobs/batch", body);
    String figure = "batch submission jobs/s (" + BATCH + " per request)";
    Sql base;
    if (probe.status() == 404 || probe.status() == 405) {
      NOTES.add("2: POST /api/jobs/batch answered HTTP " + probe.status() + ": the route is not there (yet)");
      base = inserts(s.getConnection(), BATCH, Math.min(o.seconds, 10));
      ROWS.add(new Row(figure, "n/a (route missing)", rate(base.perSecond(), "rows/s"), "-", "-", "-"));
    } else if (probe.status() != 200) {
      NOTES.add("2: POST /api/jobs/batch answered HTTP " + probe.status() + ": " + LoadClient.abbreviate(probe.body()));
      base = inserts(s.getConnection(), BATCH, Math.min(o.seconds, 10));
      ROWS.add(new Row(figure, "n/a (HTTP " + probe.status() + ")", rate(base.perSecond(), "rows/s"), "-", "-", "-"));
    } else {
      progress("part 2: " + o.batches + " batches over " + CONNECTIONS + " connections");
      LoadClient.Outcome ty = http.run("/api/jobs/batch", body, o.batches, 600, null);
      base = inserts(s.getConnection(), BATCH, Math.min(o.seconds, 10));
      ROWS.add(throughput(figure, ty.perSecond() * BATCH, base.perSecond(), "rows/s", null));
      ROWS.add(latency("  batch request p50", ty.p(0.50), base.p(0.50), null));
      NOTES.add(String.format(Locale.ROOT, "2: %d batches of %d in %.1f s (%d refused%s); baseline: INSERT ... SELECT of %d rows",
          ty.ok(), BATCH, ty.seconds(), ty.failed(), ty.firstFailure() == null ? "" : ", e.g. " + ty.firstFailure(), BATCH));
    }
    s.executeUpdate("DELETE FROM jobs WHERE owner_user_id = " + uid + " AND status = 'queued'");
  }

  /** Statements over {@link #CONNECTIONS} JDBC connections: rows/s and per-statement latency. */
  record Sql(long rows, double seconds, long[] latencyNs) {
    double perSecond() {
      return rows / seconds;
    }

    long p(double q) {
      return pct(latencyNs, q);
    }
  }

  /**
   * Durable INSERTs (autocommit: one transaction and one commit each) into the scratch table, each of
   * {@code rowsPerStatement} rows, from {@link #CONNECTIONS} threads with a connection each.
   */
  private static Sql inserts(Connection any, int rowsPerStatement, double seconds) throws Exception {
    String url = any.getMetaData().getURL();
    String sql = rowsPerStatement == 1 ? "INSERT INTO bench_scratch(owner_user_id, payload) VALUES (?, ?::jsonb)"
        : "INSERT INTO bench_scratch(owner_user_id, payload) SELECT ?, ?::jsonb FROM generate_series(1, " + rowsPerStatement + ")";
    ExecutorService pool = Executors.newFixedThreadPool(CONNECTIONS);
    LongList latency = new LongList();
    CountDownLatch ready = new CountDownLatch(CONNECTIONS);
    CountDownLatch go = new CountDownLatch(1);
    long[] startEnd = new long[2];
    List<Future<Long>> counts = new ArrayList<>();
    try {
      for (int i = 0; i < CONNECTIONS; i++) {
        counts.add(pool.submit(() -> {
          try (Connection c = java.sql.DriverManager.getConnection(url, "postgres", "");
               PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setLong(1, 1);
            ps.setString(2, TRAIN_BODY);
            ps.executeUpdate(); // warm: connection, plan
            ready.countDown();
            go.await();
            long n = 0;
            long deadline = startEnd[0] + (long) (seconds * 1e9);
            for (long t = System.nanoTime(); t < deadline; ) {
              ps.executeUpdate();
              long t2 = System.nanoTime();
              latency.add(t2 - t);
              n += rowsPerStatement;
              t = t2;
            }
            return n;
          }
        }));
      }
      ready.await(60, TimeUnit.SECONDS);
      startEnd[0] = System.nanoTime();
      go.countDown();
      long rows = 0;
      for (Future<Long> f : counts) {
        rows += f.get((long) seconds + 120, TimeUnit.SECONDS);
      }
      startEnd[1] = System.nanoTime();
      return new Sql(rows, (startEnd[1] - startEnd[0]) / 1e9, latency.sorted());
    } finally {
      pool.shutdownNow();
      try (Statement s = any.createStatement()) {
        s.execute("TRUNCATE bench_scratch");
      }
    }
  }

  private static String text(Statement s, String sql) throws Exception {
    try (ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getString(1);
    }
  }

  private static long scalar(Statement s, String sql) throws Exception {
    try (ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  // ---------------------------------------------------------------------------------------------------
  // 3: trivial process jobs end to end

  /** Arrivals of job_status_changed events on the user's address, by job and status. */
  static final class StatusWatch implements PushClient.Sink {
    private static final List<String> TERMINAL = List.of("success", "failed", "canceled");
    private final Map<String, CompletableFuture<Long>> arrivals = new ConcurrentHashMap<>();
    private final Map<String, CompletableFuture<String>> ends = new ConcurrentHashMap<>();

    CompletableFuture<Long> arrival(String jobId, String status) {
      return arrivals.computeIfAbsent(jobId + " " + status, k -> new CompletableFuture<>());
    }

    /** The job's terminal status. */
    CompletableFuture<String> end(String jobId) {
      return ends.computeIfAbsent(jobId, k -> new CompletableFuture<>());
    }

    @Override
    public void frame(PushClient client, long at, JsonObject f) {
      if (!"rec".equals(f.getString("type")) || !(f.getValue("body") instanceof JsonObject b)
          || !"job_status_changed".equals(b.getString("type"))) {
        return;
      }
      String id = b.getString("job_id");
      String status = b.getString("status");
      arrival(id, status).complete(at);
      if (TERMINAL.contains(status)) {
        end(id).complete(status);
      }
    }
  }

  private static void processJobs(Opts o, int slots, List<PushClient> live) throws Exception {
    progress("part 3: starting a node with parallel_limit = node_capacity = " + slots + ", train = /bin/true");
    TestServer server = node(c -> {
      AppConfig.put(c, "jobs.types.train.command", new JsonArray().add("/bin/true"));
      AppConfig.put(c, "scheduler.parallel_limit", slots);
      AppConfig.put(c, "scheduler.node_capacity", slots);
    });
    StatusWatch watch = new StatusWatch();
    List<PushClient> clients = new ArrayList<>();
    int warm = Math.max(5, o.processJobs / 10);
    try (AutoCloseable stop = closing(server, clients, live);
         LoadClient http = new LoadClient(server.port(), signIn(server, "parallel", watch, clients, live), CONNECTIONS)) {
      List<String> warmIds = Collections.synchronizedList(new ArrayList<>());
      http.run("/api/jobs/train", TRAIN_BODY, warm, 120, body -> warmIds.add(jobId(body)));
      awaitEnds(watch, warmIds, 120);
      progress("part 3: " + slots + " slots: " + warm + " warm-up jobs done; submitting " + o.processJobs);
      List<String> ids = Collections.synchronizedList(new ArrayList<>());
      long t0 = PushClient.wallNs();
      LoadClient.Outcome sub = http.run("/api/jobs/train", TRAIN_BODY, o.processJobs, 600, body -> ids.add(jobId(body)));
      Map<String, Integer> ends = awaitEnds(watch, ids, 300);
      long last = 0;
      for (String id : ids) {
        CompletableFuture<Long> a = watch.arrival(id, "success");
        if (a.isDone()) {
          last = Math.max(last, a.get());
        }
      }
      int ok = ends.getOrDefault("success", 0);
      if (ok == 0) {
        throw new IllegalStateException("no /bin/true job succeeded: " + ends);
      }
      double tySecs = (last - t0) / 1e9;
      progress("part 3: " + slots + " slots: baseline, a pool of " + slots + " threads running setsid /bin/true");
      double base = processPool(slots, warm, o.processJobs);
      ROWS.add(throughput("process jobs/s, " + slots + " slots (/bin/true)", ok / tySecs, base, "/s", 0.60));
      NOTES.add(String.format(Locale.ROOT, "3 (%d slots): %d jobs submitted in %.1f s, ends %s, first submit -> last success %.1f s",
          slots, sub.ok(), sub.seconds(), ends, tySecs));
    }
  }

  /** Disconnects the bridge clients, then stops the node (closed last, after the load client). */
  private static AutoCloseable closing(TestServer server, List<PushClient> clients, List<PushClient> live) {
    return () -> {
      PushBench.disconnect(clients, live);
      BenchSupport.stop(server);
    };
  }

  /**
   * Creates the user "bench" in {@code mode}, connects one bridge client (added to {@code clients})
   * whose events go to {@code watch}; answers the user's token.
   */
  private static String signIn(TestServer server, String mode, StatusWatch watch, List<PushClient> clients,
                               List<PushClient> live) throws Exception {
    Api user = server.user("bench", mode);
    clients.addAll(PushBench.connect(server, user, 1, watch, "jobs.user." + user.userId(), live));
    return user.token();
  }

  private static String jobId(String body) {
    return new JsonObject(body).getJsonObject("job").getString("job_id");
  }

  /** Waits until every job ended; answers how many ended in each status (and "missing"). */
  private static Map<String, Integer> awaitEnds(StatusWatch watch, List<String> ids, int seconds) {
    long deadline = System.nanoTime() + seconds * 1_000_000_000L;
    Map<String, Integer> out = new java.util.TreeMap<>();
    for (String id : List.copyOf(ids)) {
      String status;
      try {
        status = watch.end(id).get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      } catch (Exception e) {
        status = "missing";
      }
      out.merge(status, 1, Integer::sum);
    }
    return out;
  }

  /** jobs/s of a plain pool of {@code threads} threads, each spawning {@code setsid /bin/true} and waiting. */
  private static double processPool(int threads, int warm, int jobs) throws Exception {
    Path dir = Files.createTempDirectory("trainyard-bench-procs");
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      runPool(pool, dir, warm);
      long t = System.nanoTime();
      runPool(pool, dir, jobs);
      return jobs / ((System.nanoTime() - t) / 1e9);
    } finally {
      pool.shutdownNow();
      try (var files = Files.list(dir)) {
        files.forEach(p -> p.toFile().delete());
      }
      Files.deleteIfExists(dir);
    }
  }

  private static void runPool(ExecutorService pool, Path dir, int jobs) throws Exception {
    List<Future<Integer>> all = new ArrayList<>();
    for (int i = 0; i < jobs; i++) {
      File log = dir.resolve("out-" + (i % 16) + ".log").toFile();
      all.add(pool.submit(() -> new ProcessBuilder("setsid", "/bin/true").directory(dir.toFile())
          .redirectErrorStream(true).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
          .redirectOutput(ProcessBuilder.Redirect.appendTo(log)).start().waitFor()));
    }
    for (Future<Integer> f : all) {
      f.get(120, TimeUnit.SECONDS);
    }
  }

  // ---------------------------------------------------------------------------------------------------
  // 4: idle node latencies

  private static void idleLatency(Opts o, List<PushClient> live) throws Exception {
    progress("part 4: starting an idle node (train = sh -c 'echo started; exec sleep 3600')");
    TestServer server = node(c -> AppConfig.put(c, "jobs.types.train.command",
        new JsonArray().add("sh").add("-c").add("echo started; exec sleep 3600")));
    StatusWatch watch = new StatusWatch();
    List<PushClient> clients = new ArrayList<>();
    LongList toRunning = new LongList();
    LongList ack = new LongList();
    LongList toCanceled = new LongList();
    int warm = Math.max(3, o.latencySamples / 10);
    try (AutoCloseable stop = closing(server, clients, live);
         LoadClient http = new LoadClient(server.port(), signIn(server, "serial", watch, clients, live), 1)) {
      progress("part 4: " + warm + " warm-up + " + o.latencySamples + " submit/cancel cycles, one at a time");
      for (int i = 0; i < warm + o.latencySamples; i++) {
        long t0 = PushClient.wallNs();
        LoadClient.Reply r = http.once("/api/jobs/train", TRAIN_BODY);
        long tAck = PushClient.wallNs();
        if (r.status() != 200) {
          throw new IllegalStateException("submission refused: " + r.status() + " " + r.body());
        }
        JsonObject job = new JsonObject(r.body()).getJsonObject("job");
        String id = job.getString("job_id");
        long running = watch.arrival(id, "running").get(30, TimeUnit.SECONDS);
        // Cancel a job whose process runs: wait for its first line (then the supervisor tracks it).
        Path log = Path.of(job.getString("artifacts_dir"), "output.log");
        long until = System.nanoTime() + 10_000_000_000L;
        while (!(Files.exists(log) && Files.size(log) > 0) && System.nanoTime() < until) {
          Thread.sleep(2);
        }
        Thread.sleep(20);
        long t2 = PushClient.wallNs();
        LoadClient.Reply c = http.once("/api/jobs/" + id + "/cancel", "");
        if (c.status() != 200) {
          throw new IllegalStateException("cancel refused: " + c.status() + " " + c.body());
        }
        long canceled = watch.arrival(id, "canceled").get(30, TimeUnit.SECONDS);
        if (i >= warm) {
          toRunning.add(running - t0);
          ack.add(tAck - t0);
          toCanceled.add(canceled - t2);
        }
        Thread.sleep(20);
      }
    }
    progress("part 4: baseline, SIGTERM -> exit of the same program started with ProcessBuilder");
    LongList kill = new LongList();
    for (int i = 0; i < warm + o.latencySamples; i++) {
      Process p = new ProcessBuilder("setsid", "sh", "-c", "echo started; exec sleep 3600")
          .redirectErrorStream(true).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
      new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8)).readLine();
      Thread.sleep(20);
      long t = System.nanoTime();
      p.destroy();
      p.onExit().get(30, TimeUnit.SECONDS);
      if (i >= warm) {
        kill.add(System.nanoTime() - t);
      }
    }
    ROWS.add(latency("submit -> running event p50 (idle)", toRunning.pct(0.50), ack.pct(0.50), 10L));
    ROWS.add(latency("submit -> running event p99 (idle)", toRunning.pct(0.99), ack.pct(0.99), 30L));
    ROWS.add(latency("cancel -> canceled event p50 (idle)", toCanceled.pct(0.50), kill.pct(0.50), null));
    ROWS.add(latency("cancel -> canceled event p99 (idle)", toCanceled.pct(0.99), kill.pct(0.99), 30L));
    NOTES.add(String.format(Locale.ROOT, "4: %d cycles; baselines: submit -> its HTTP answer (200 {job}); SIGTERM -> "
        + "exit seen by Process.onExit of setsid sh -c 'echo started; exec sleep 3600'; max submit -> running %s ms, "
        + "cancel -> canceled %s ms", o.latencySamples, ms(toRunning.max()), ms(toCanceled.max())));
  }

  // ---------------------------------------------------------------------------------------------------
  // 5: push latencies (PushBench's scenarios)

  private static void push(Opts o) {
    PushBench.Opts p = new PushBench.Opts();
    p.scenarios = "exit,log,bridge";
    if (o.quick) {
      p.exitJobs = 40;
      p.exitJobsMany = 10;
      p.warmupJobs = 3;
      p.logLines = 60;
      p.bridgeMarkers = 50;
    }
    progress("part 5: PushBench scenarios exit, log and bridge with 1 and " + p.clients + " clients");
    PushBench.Run run = PushBench.run(p);
    Map<String, long[]> bridge = new java.util.HashMap<>();
    run.results().stream().filter(r -> r.key().equals("bridge")).forEach(r -> bridge.put("" + r.clients(), r.samplesNs()));
    for (PushBench.Result r : run.results()) {
      if (r.key().equals("bridge")) {
        continue;
      }
      long[] base = bridge.getOrDefault("" + r.clients(), new long[0]);
      String what = r.key().equals("exit") ? "exit -> status event" : "log line -> log event";
      String who = r.clients() + (r.clients() == 1 ? " client" : " clients");
      ROWS.add(latency(what + " p50, " + who, pct(r.samplesNs(), 0.50), pct(base, 0.50), null));
      ROWS.add(latency(what + " p99, " + who, pct(r.samplesNs(), 0.99), pct(base, 0.99), null));
      r.notes().forEach(n -> NOTES.add("5 (" + r.key() + "/" + r.clients() + "): " + n));
    }
    NOTES.add("5: baseline = PushBench's bridge scenario: a marker published on the node's event bus -> client arrival, "
        + "same number of clients; " + run.follow());
    if (run.failed()) {
      NOTES.add("5: PushBench broke off; see stderr");
    }
  }

  // ---------------------------------------------------------------------------------------------------
  // the table

  private static Row throughput(String figure, double ty, double base, String baseUnit, Double minRatio) {
    double ratio = ty / base;
    String target = minRatio == null ? "-" : String.format(Locale.ROOT, "ratio >= %.2f", minRatio);
    String met = minRatio == null ? "-" : ratio >= minRatio ? "yes" : "NO";
    return new Row(figure, rate(ty, "/s"), rate(base, baseUnit), ratio(ratio), target, met);
  }

  private static Row latency(String figure, long tyNs, long baseNs, Long maxMs) {
    boolean have = tyNs != Long.MIN_VALUE;
    String ratio = have && baseNs != Long.MIN_VALUE && baseNs > 0 ? ratio((double) tyNs / baseNs) : "-";
    String target = maxMs == null ? "-" : "<= " + maxMs + " ms";
    String met = maxMs == null || !have ? "-" : tyNs <= maxMs * 1_000_000L ? "yes" : "NO";
    return new Row(figure, fine(tyNs), fine(baseNs), ratio, target, met);
  }

  /** Milliseconds, with two decimals below 1 ms (a local commit takes ~0.05 ms). */
  private static String fine(long ns) {
    return ns != Long.MIN_VALUE && ns < 1_000_000 ? String.format(Locale.ROOT, "%.2f ms", ns / 1e6) : ms(ns) + " ms";
  }

  private static String ratio(double r) {
    String fmt = r >= 100 ? "%.0f" : r >= 10 ? "%.1f" : r >= 0.1 ? "%.2f" : "%.4f";
    return String.format(Locale.ROOT, fmt, r);
  }

  private static String rate(double v, String unit) {
    return String.format(Locale.ROOT, v >= 100 ? "%,.0f %s" : "%,.1f %s", v, unit);
  }

  private static void print(Opts o) {
    System.out.println();
    System.out.println("ThroughputBench: a real in-process node on the shared embedded PostgreSQL, loopback"
        + (o.quick ? " (--quick: smaller counts)" : ""));
    System.out.println("setup: " + BenchSupport.machine());
    System.out.println("       PostgreSQL: " + pgSettings + (Boolean.getBoolean(io.trainyard.testing.SharedPostgres.DURABLE)
        ? " (durable, as a production node's embedded one)" : " (the test database's settings, not durable: run via scripts/bench-throughput)"));
    System.out.printf(Locale.ROOT, "       submissions: %d connections, %.0f s per level after %.0f s warm-up; process jobs: %d per run; "
        + "idle cycles: %d%n", CONNECTIONS, o.seconds, o.warmupSeconds, o.processJobs, o.latencySamples);
    System.out.printf(Locale.ROOT, "       load average (1/5/15 min) at start %s, at end %s%n", LOAD_AT_START, BenchSupport.loadavg());
    System.out.println("       ratio = Trainyard / baseline (throughput: higher is better; latency: lower is better)");
    System.out.println();
    String fmt = "%-44s | %-19s | %-16s | %6s | %-13s | %s%n";
    System.out.printf(Locale.ROOT, fmt, "figure", "Trainyard", "baseline", "ratio", "target", "met?");
    System.out.println("-".repeat(44) + "-+-" + "-".repeat(19) + "-+-" + "-".repeat(16) + "-+-" + "-".repeat(6) + "-+-"
        + "-".repeat(13) + "-+-----");
    for (Row r : ROWS) {
      System.out.printf(Locale.ROOT, fmt, r.figure(), r.trainyard(), r.baseline(), r.ratio(), r.target(), r.met());
    }
    System.out.println();
    System.out.println("baselines: 1 = durable single-row INSERT (autocommit) into a scratch table, same database, "
        + CONNECTIONS + " JDBC connections;");
    System.out.println("           2 = INSERT ... SELECT of " + BATCH + " rows into the same table; 3 = thread pool running "
        + "setsid /bin/true; 4 and 5: see the notes");
    for (String n : NOTES) {
      System.out.println("  " + n);
    }
  }

  private static Opts parse(String[] args) {
    Opts o = new Opts();
    if (Arrays.asList(args).contains("--quick")) { // first, so that other options can override its counts
      o.quick = true;
      o.seconds = 3;
      o.warmupSeconds = 1;
      o.batches = 4;
      o.processJobs = 60;
      o.latencySamples = 20;
    }
    for (String a : args) {
      if (a.equals("-h") || a.equals("--help")) {
        System.out.println("""
            usage: scripts/bench-throughput [--quick] [--name=value ...]
              --quick                 smoke run: short windows, small counts (~2-3 minutes)
              --seconds=15            measured window per backlog level (submissions, INSERT baseline)
              --warmup-seconds=3      unmeasured submissions before each window
              --backlog=0,10000,100000  queued jobs of full-slot users before each level
              --batches=24            POST /api/jobs/batch requests of 1000 jobs
              --process-jobs=400      /bin/true jobs per slot count (3 and 8), and the same for the pool
              --latency-samples=100   idle submit -> running / cancel -> canceled cycles
              --parts=1,2,3,4,5       which figures to measure
              --deadline-s=900        abort the whole run after this long
            Prints a table: figure | Trainyard | baseline | ratio | target | met?  (progress on stderr)""");
        System.exit(0);
      }
      if (a.equals("--quick")) {
        continue;
      }
      String[] kv = a.replaceFirst("^--", "").split("=", 2);
      if (kv.length != 2) {
        throw new IllegalArgumentException("expected --quick or --name=value: " + a + " (see --help)");
      }
      switch (kv[0]) {
        case "seconds" -> o.seconds = Double.parseDouble(kv[1]);
        case "warmup-seconds" -> o.warmupSeconds = Double.parseDouble(kv[1]);
        case "backlog" -> o.backlog = Arrays.stream(kv[1].split(",")).mapToInt(Integer::parseInt).sorted().toArray();
        case "batches" -> o.batches = Integer.parseInt(kv[1]);
        case "process-jobs" -> o.processJobs = Integer.parseInt(kv[1]);
        case "latency-samples" -> o.latencySamples = Integer.parseInt(kv[1]);
        case "parts" -> o.parts = kv[1];
        case "deadline-s" -> o.deadlineS = Integer.parseInt(kv[1]);
        default -> throw new IllegalArgumentException("unknown option --" + kv[0] + " (see --help)");
      }
    }
    return o;
  }
}
