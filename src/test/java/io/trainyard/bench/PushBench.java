package io.trainyard.bench;

import io.trainyard.app.AppConfig;
import io.trainyard.bench.BenchSupport.LongList;
import io.trainyard.logs.FollowSettings;
import io.trainyard.testing.Api;
import io.trainyard.testing.TestServer;
import io.vertx.core.json.JsonObject;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
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
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;

import static io.trainyard.bench.BenchSupport.loadavg;
import static io.trainyard.bench.BenchSupport.ms;
import static io.trainyard.bench.BenchSupport.pct;
import static io.trainyard.bench.BenchSupport.progress;

/**
 * Push latency benchmark (a benchmark, not a test: it prints figures and asserts nothing).
 *
 * <p>Starts a real in-process node on the shared embedded PostgreSQL and connects raw SockJS-websocket
 * bridge clients ({@link PushClient}, each its own connection, all registered to the same address). It
 * measures, against the wall clock the job programs stamp ($EPOCHREALTIME / {@code date +%s%N}):
 * <ul>
 *   <li><b>exit</b>: a job program ({@code jobs/bench_exit.sh}) writes the time as its very last act and
 *   exits 0; latency = arrival of {@code job_status_changed(success)} on {@code jobs.user.<uid>} minus
 *   that time, one sample per job per client;</li>
 *   <li><b>log</b>: a job program ({@code jobs/bench_log.sh}) appends {@code tick <n> <ns>} lines; latency
 *   = arrival of the {@code job_log} event on {@code jobs.log.<job_id>} carrying the line minus the
 *   line's stamp, one sample per line per client;</li>
 *   <li><b>bridge</b> (optional, {@code --scenarios=...,bridge}): the floor under both, markers published
 *   straight onto the node's event bus on the clients' address; latency = arrival minus the stamp taken
 *   just before the publish.</li>
 * </ul>
 * Each with 1 client and with {@code --clients} (100). Bounded by {@code --deadline-s}; loopback only.
 */
public final class PushBench {
  private static final String LOAD_AT_START = loadavg();

  private PushBench() {
  }

  /** Command-line options ({@code --name=value}). */
  static final class Opts {
    int clients = 100;
    int exitJobs = 200;
    int exitJobsMany = 50;
    int warmupJobs = 5;
    int inflight = 4;
    int holdMs = 200;
    int logLines = 250;
    int logIntervalMs = 25;
    long coalesceMs = -1;
    int bridgeMarkers = 200;
    int bridgeIntervalMs = 20;
    int deadlineS = 170;
    String scenarios = "exit,log";
  }

  /** One row of the table; {@code key} names the scenario in short (exit, log, bridge). */
  record Result(String key, String scenario, int clients, int events, long[] samplesNs, List<String> notes) {
  }

  public static void main(String[] args) throws Exception {
    Opts o = parse(args);
    BenchSupport.quietLogs();
    BenchSupport.watchdog("PushBench", o.deadlineS);
    Run run = run(o);
    if (!run.results().isEmpty()) {
      print(run.results(), o, run.follow());
    }
    System.out.flush();
    System.exit(run.failed() ? 1 : 0);
  }

  /** What {@link #run} measured; {@code failed} when a scenario broke off (the results so far are kept). */
  record Run(List<Result> results, String follow, boolean failed) {
  }

  /**
   * Runs the selected scenarios, each half on a node of its own that is stopped afterwards. Also the
   * entry point of {@link ThroughputBench}, which prints these results beside its own.
   */
  static Run run(Opts o) {
    List<PushClient> live = new CopyOnWriteArrayList<>();
    ScheduledExecutorService pinger = BenchSupport.pinger(live);
    List<Result> results = new ArrayList<>();
    String follow = "?";
    boolean failed = false;
    try {
      if (o.scenarios.contains("exit") || o.scenarios.contains("bridge")) {
        progress("starting a node (jobs.types.train = bench_exit.sh) on the shared embedded PostgreSQL");
        TestServer exitServer = TestServer.start(c -> tweak(c, o, "bench_exit.sh", o.holdMs));
        follow = followSetup(exitServer);
        try {
          Api user = exitServer.user("bench", "parallel");
          if (o.scenarios.contains("exit")) {
            results.add(exitScenario(exitServer, user, 1, o.exitJobs, o, live));
            results.add(exitScenario(exitServer, user, o.clients, o.exitJobsMany, o, live));
          }
          if (o.scenarios.contains("bridge")) {
            results.add(bridgeScenario(exitServer, user, 1, o, live));
            results.add(bridgeScenario(exitServer, user, o.clients, o, live));
          }
        } finally {
          BenchSupport.stop(exitServer);
        }
      }
      if (o.scenarios.contains("log")) {
        progress("starting a node (jobs.types.train = bench_log.sh)");
        TestServer logServer = TestServer.start(c -> tweak(c, o, "bench_log.sh", o.logIntervalMs));
        follow = followSetup(logServer);
        try {
          Api user = logServer.user("bench", "parallel");
          results.add(logScenario(logServer, user, 1, o, live));
          results.add(logScenario(logServer, user, o.clients, o, live));
        } finally {
          BenchSupport.stop(logServer);
        }
      }
    } catch (Exception | AssertionError e) {
      System.err.println("PushBench failed: " + e);
      e.printStackTrace();
      failed = true;
    } finally {
      pinger.shutdownNow();
    }
    return new Run(results, follow, failed);
  }

  // ---------------------------------------------------------------------------------------------------
  // (a) process exit -> job_status_changed(success)

  /** Per job: when each client got its success event. */
  private static final class ExitJob {
    final AtomicLongArray arrival;
    final AtomicInteger got = new AtomicInteger();
    final CompletableFuture<Void> done = new CompletableFuture<>();
    volatile JsonObject job;
    volatile String bad;

    ExitJob(int clients) {
      arrival = new AtomicLongArray(clients);
    }
  }

  private static Result exitScenario(TestServer server, Api user, int n, int jobs, Opts o, List<PushClient> live)
      throws Exception {
    String label = "exit/" + n;
    Map<String, ExitJob> byId = new ConcurrentHashMap<>();
    AtomicInteger errs = new AtomicInteger();
    PushClient.Sink sink = (c, at, f) -> {
      String type = f.getString("type");
      if ("err".equals(type)) {
        errs.incrementAndGet();
        return;
      }
      if (!"rec".equals(type) || !(f.getValue("body") instanceof JsonObject b)
          || !"job_status_changed".equals(b.getString("type"))) {
        return;
      }
      String status = b.getString("status");
      if (!"success".equals(status) && !"failed".equals(status) && !"canceled".equals(status)) {
        return;
      }
      ExitJob j = byId.computeIfAbsent(b.getString("job_id"), k -> new ExitJob(n));
      if (!"success".equals(status)) {
        JsonObject job = b.getJsonObject("job");
        j.bad = status + (job == null ? "" : ": " + job.getString("error"));
      }
      if (j.arrival.compareAndSet(c.index, 0, at)) {
        j.job = b.getJsonObject("job");
        if (j.got.incrementAndGet() == n) {
          j.done.complete(null);
        }
      }
    };
    List<PushClient> clients = connect(server, user, n, sink, "jobs.user." + user.userId(), live);
    try {
      // Warm-up: JIT, connection pools, and proof that every client's registration is in place.
      boolean ready = false;
      for (int w = 0; w < o.warmupJobs || !ready; w++) {
        if (w >= o.warmupJobs + 5) {
          throw new IllegalStateException(label + ": warm-up jobs never reached all " + n + " clients");
        }
        String id = user.train(new JsonObject()).getString("job_id");
        ExitJob j = byId.computeIfAbsent(id, k -> new ExitJob(n));
        try {
          j.done.get(20, TimeUnit.SECONDS);
          ready = true;
        } catch (TimeoutException e) {
          progress(label + ": warm-up job " + id + " reached " + j.got.get() + " of " + n + " clients; retrying");
        }
      }
      progress(label + ": " + n + " client(s) registered and warm; running " + jobs + " jobs, " + o.inflight + " in flight");
      Semaphore slots = new Semaphore(o.inflight);
      List<ExitJob> measured = new ArrayList<>();
      long start = System.nanoTime();
      for (int i = 0; i < jobs; i++) {
        if (!slots.tryAcquire(60, TimeUnit.SECONDS)) {
          throw new IllegalStateException(label + ": no job finished within 60 s");
        }
        String id = user.train(new JsonObject()).getString("job_id");
        ExitJob j = byId.computeIfAbsent(id, k -> new ExitJob(n));
        measured.add(j);
        j.done.orTimeout(30, TimeUnit.SECONDS).whenComplete((v, e) -> slots.release());
      }
      try {
        CompletableFuture.allOf(measured.stream().map(j -> j.done).toArray(CompletableFuture[]::new))
            .get(40, TimeUnit.SECONDS);
      } catch (java.util.concurrent.ExecutionException | TimeoutException e) {
        progress(label + ": some events did not arrive (" + e + ")");
      }
      double secs = (System.nanoTime() - start) / 1e9;

      LongList samples = new LongList();
      LongList exitToCommit = new LongList();
      LongList commitToArrival = new LongList();
      LongList spread = new LongList();
      int missing = 0;
      int bad = 0;
      int events = 0;
      for (ExitJob j : measured) {
        if (j.bad != null) {
          bad++;
          if (bad == 1) {
            progress(label + ": a job did not succeed: " + j.bad);
          }
          continue;
        }
        if (j.job == null) {
          missing += n;
          continue;
        }
        events++;
        long exitNs = Long.parseLong(Files.readString(Path.of(j.job.getString("artifacts_dir"), "exit_ns")).trim());
        long commitNs = Instant.parse(j.job.getString("finished_at")).toEpochMilli() * 1_000_000L;
        exitToCommit.add(commitNs - exitNs);
        long first = Long.MAX_VALUE;
        long last = Long.MIN_VALUE;
        for (int c = 0; c < n; c++) {
          long at = j.arrival.get(c);
          if (at == 0) {
            missing++;
            continue;
          }
          samples.add(at - exitNs);
          commitToArrival.add(at - commitNs);
          first = Math.min(first, at);
          last = Math.max(last, at);
        }
        if (n > 1 && first <= last) {
          spread.add(last - first);
        }
      }
      List<String> notes = new ArrayList<>();
      notes.add(String.format(Locale.ROOT, "%d jobs in %.1f s; split: exit -> finished_at committed (DB clock_timestamp, ms "
          + "resolution) p50 %s / p99 %s ms; finished_at -> client p50 %s / p99 %s ms", events, secs,
          ms(exitToCommit.pct(0.50)), ms(exitToCommit.pct(0.99)), ms(commitToArrival.pct(0.50)), ms(commitToArrival.pct(0.99))));
      if (n > 1) {
        notes.add(String.format(Locale.ROOT, "fan-out: first -> last of the %d clients per event p50 %s / p99 %s / max %s ms",
            n, ms(spread.pct(0.50)), ms(spread.pct(0.99)), ms(spread.max())));
      }
      if (missing > 0 || bad > 0 || errs.get() > 0) {
        notes.add("missing arrivals " + missing + ", jobs not successful " + bad + ", err frames " + errs.get());
      }
      progress(label + ": done (" + samples.size() + " samples)");
      return new Result("exit", "exit -> job_status_changed", n, events, samples.sorted(), notes);
    } finally {
      disconnect(clients, live);
    }
  }

  // ---------------------------------------------------------------------------------------------------
  // (b) log line appended -> job_log

  /** One client's view of the followed log; touched only by that client's websocket thread until done. */
  private static final class LogState {
    final StringBuilder partial = new StringBuilder();
    final LongList samples = new LongList();
    final CountDownLatch first = new CountDownLatch(1);
    final CountDownLatch done = new CountDownLatch(1);
    long nextOffset = -1;
    int gaps;
    int tickEvents;
    int ticks;
  }

  private static Result logScenario(TestServer server, Api user, int n, Opts o, List<PushClient> live) throws Exception {
    String label = "log/" + n;
    JsonObject job = user.train(new JsonObject().put("epochs", o.logLines));
    String id = job.getString("job_id");
    LogState[] states = new LogState[n];
    for (int i = 0; i < n; i++) {
      states[i] = new LogState();
    }
    AtomicInteger errs = new AtomicInteger();
    PushClient.Sink sink = (c, at, f) -> {
      String type = f.getString("type");
      if ("err".equals(type)) {
        errs.incrementAndGet();
        return;
      }
      if (!"rec".equals(type) || !(f.getValue("body") instanceof JsonObject b)
          || !"job_log".equals(b.getString("type")) || !id.equals(b.getString("job_id"))) {
        return;
      }
      LogState s = states[c.index];
      long offset = b.getLong("offset");
      String text = b.getString("text");
      if (s.nextOffset >= 0 && offset != s.nextOffset) {
        s.gaps++;
      }
      s.nextOffset = offset + text.getBytes(StandardCharsets.UTF_8).length;
      s.partial.append(text);
      int from = 0;
      int ticks = 0;
      boolean end = false;
      for (int nl; (nl = s.partial.indexOf("\n", from)) >= 0; from = nl + 1) {
        String line = s.partial.substring(from, nl);
        if (line.startsWith("tick ")) {
          String[] parts = line.split(" ");
          if (parts.length == 3) {
            s.samples.add(at - Long.parseLong(parts[2]));
            ticks++;
          }
        } else if (line.equals("done")) {
          end = true;
        }
      }
      s.partial.delete(0, from);
      if (ticks > 0) {
        s.tickEvents++;
        s.ticks += ticks;
      }
      s.first.countDown();
      if (end) {
        s.done.countDown(); // last: the latch publishes this client's counters to the main thread
      }
    };
    List<PushClient> clients = connect(server, user, n, sink, "jobs.log." + id, live);
    try {
      // The job prints warm-up lines until it finds "go": wait until every client is receiving them.
      for (LogState s : states) {
        if (!s.first.await(30, TimeUnit.SECONDS)) {
          throw new IllegalStateException(label + ": not every client received the job's warm-up log lines");
        }
      }
      progress(label + ": " + n + " client(s) following " + id + "; " + o.logLines + " tick lines every "
          + o.logIntervalMs + " ms");
      long start = System.nanoTime();
      Files.writeString(Path.of(job.getString("artifacts_dir"), "go"), "");
      long waitMs = (long) o.logLines * (o.logIntervalMs + 10) * 2 + 30_000;
      long deadline = System.currentTimeMillis() + waitMs;
      for (LogState s : states) {
        s.done.await(Math.max(1, deadline - System.currentTimeMillis()), TimeUnit.MILLISECONDS);
      }
      double secs = (System.nanoTime() - start) / 1e9;
      user.awaitStatus(id, "success");

      LongList all = new LongList();
      int gaps = 0;
      int tickEvents = 0;
      int ticks = 0;
      int unfinished = 0;
      for (LogState s : states) {
        all.addAll(s.samples);
        gaps += s.gaps;
        tickEvents += s.tickEvents;
        ticks += s.ticks;
        unfinished += s.done.getCount() > 0 ? 1 : 0;
      }
      List<String> notes = new ArrayList<>();
      notes.add(String.format(Locale.ROOT, "%d tick lines in %.1f s; %.1f lines per job_log event (%d events with ticks per client)",
          o.logLines, secs, tickEvents == 0 ? 0.0 : (double) ticks / tickEvents, tickEvents / n));
      if (gaps > 0 || unfinished > 0 || ticks != o.logLines * n || errs.get() > 0) {
        notes.add("offset gaps " + gaps + ", clients without the end " + unfinished + ", tick lines received "
            + ticks + " of " + (long) o.logLines * n + ", err frames " + errs.get());
      }
      progress(label + ": done (" + all.size() + " samples)");
      return new Result("log", "log line -> job_log", n, tickEvents / n, all.sorted(), notes);
    } finally {
      disconnect(clients, live);
    }
  }

  // ---------------------------------------------------------------------------------------------------
  // (c) the bridge alone: a publish on the node's event bus -> client arrival

  /**
   * The floor under both figures above: markers published straight onto the node's event bus on the
   * clients' address, stamped just before the publish, so nothing but the bridge (and, with many
   * clients, its fan-out) lies between the stamp and the arrival.
   */
  private static Result bridgeScenario(TestServer server, Api user, int n, Opts o, List<PushClient> live)
      throws Exception {
    String label = "bridge/" + n;
    String address = "jobs.user." + user.userId();
    LongList samples = new LongList();
    CountDownLatch[] seen = new CountDownLatch[n];
    for (int i = 0; i < n; i++) {
      seen[i] = new CountDownLatch(1);
    }
    CountDownLatch arrived = new CountDownLatch(o.bridgeMarkers * n);
    PushClient.Sink sink = (c, at, f) -> {
      if (!"rec".equals(f.getString("type")) || !(f.getValue("body") instanceof JsonObject b)
          || !"bench_marker".equals(b.getString("type"))) {
        return;
      }
      seen[c.index].countDown();
      if (b.getInteger("seq") >= 0) {
        samples.add(at - b.getLong("ns"));
        arrived.countDown();
      }
    };
    List<PushClient> clients = connect(server, user, n, sink, address, live);
    try {
      // Registration completes asynchronously: publish warm-up markers until every client gets them.
      long until = System.nanoTime() + 30_000_000_000L;
      for (CountDownLatch s : seen) {
        while (!s.await(50, TimeUnit.MILLISECONDS)) {
          if (System.nanoTime() > until) {
            throw new IllegalStateException(label + ": warm-up markers never reached every client");
          }
          server.publish(address, new JsonObject().put("type", "bench_marker").put("seq", -1).put("ns", PushClient.wallNs()));
        }
      }
      progress(label + ": " + n + " client(s) registered; publishing " + o.bridgeMarkers + " markers, one every "
          + o.bridgeIntervalMs + " ms");
      for (int i = 0; i < o.bridgeMarkers; i++) {
        server.publish(address, new JsonObject().put("type", "bench_marker").put("seq", i).put("ns", PushClient.wallNs()));
        Thread.sleep(o.bridgeIntervalMs);
      }
      boolean all = arrived.await(30, TimeUnit.SECONDS);
      List<String> notes = new ArrayList<>();
      notes.add(String.format(Locale.ROOT, "%d markers published on %s, one every %d ms%s", o.bridgeMarkers, address,
          o.bridgeIntervalMs, all ? "" : "; missing arrivals " + arrived.getCount()));
      progress(label + ": done (" + samples.size() + " samples)");
      return new Result("bridge", "bus publish -> client", n, o.bridgeMarkers, samples.sorted(), notes);
    } finally {
      disconnect(clients, live);
    }
  }

  // ---------------------------------------------------------------------------------------------------

  static List<PushClient> connect(TestServer server, Api user, int n, PushClient.Sink sink, String address,
                                          List<PushClient> live) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(Math.min(n, 8));
    try {
      List<Future<PushClient>> futures = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        int index = i;
        futures.add(pool.submit(() -> {
          PushClient c = PushClient.connect(index, server.baseUrl(), user.token(), sink);
          c.register(address);
          return c;
        }));
      }
      List<PushClient> out = new ArrayList<>();
      for (Future<PushClient> f : futures) {
        out.add(f.get(30, TimeUnit.SECONDS));
      }
      live.addAll(out);
      return out;
    } finally {
      pool.shutdown();
    }
  }

  static void disconnect(List<PushClient> clients, List<PushClient> live) {
    long closed = clients.stream().filter(PushClient::closed).count();
    if (closed > 0) {
      progress(closed + " client(s) were closed by the server, e.g. " + clients.stream()
          .filter(PushClient::closed).findFirst().map(PushClient::closeReason).orElse(""));
    }
    live.removeAll(clients);
    List<CompletableFuture<Void>> closing = clients.stream().map(PushClient::closeGracefully).toList();
    try {
      CompletableFuture.allOf(closing.toArray(CompletableFuture[]::new)).get(5, TimeUnit.SECONDS);
    } catch (Exception ignored) {
      // some did not answer; aborted below
    }
    clients.forEach(PushClient::close);
  }

  private static void tweak(JsonObject c, Opts o, String script, int stepMs) {
    TestServer.script(c, "train", script);
    int slots = Math.max(8, o.inflight);
    AppConfig.put(c, "scheduler.parallel_limit", slots);
    AppConfig.put(c, "scheduler.node_capacity", slots);
    AppConfig.put(c, "jobs.demo_step_ms", stepMs); // reaches the script as TRAINYARD_DEMO_STEP_MS
    if (o.coalesceMs > 0) {
      AppConfig.put(c, "logs.coalesce_ms", o.coalesceMs);
    }
  }

  /** How the node follows logs, as the table's setup line shows it. */
  private static String followSetup(TestServer server) {
    FollowSettings f = FollowSettings.from(AppConfig.section(server.conf(), "logs"));
    return String.format(Locale.ROOT, "logs.coalesce_ms=%d, safety_poll_ms=%d, change_notification=%s",
        f.coalesceMs(), f.safetyPollMs(), f.changeNotification());
  }

  private static void print(List<Result> results, Opts o, String follow) {
    System.out.println();
    System.out.println("PushBench: push latency over the SockJS event-bus bridge (raw websocket clients, loopback)");
    System.out.println("setup: " + BenchSupport.machine());
    System.out.printf(Locale.ROOT, "       %s; scheduler.parallel_limit=node_capacity=%d; server, embedded PostgreSQL,%n",
        follow, Math.max(8, o.inflight));
    System.out.println("       job processes and clients all on this machine (clients in the server's JVM, one HttpClient each)");
    System.out.printf(Locale.ROOT, "       exit: bench_exit.sh holds %d ms then stamps its exit; %d in flight; %d warm-up jobs%n",
        o.holdMs, o.inflight, o.warmupJobs);
    System.out.printf(Locale.ROOT, "       log:  bench_log.sh writes %d `tick <n> <ns>` lines, one every %d ms (+ sleep fork)%n",
        o.logLines, o.logIntervalMs);
    System.out.printf(Locale.ROOT, "       load average (1/5/15 min) at start %s, at end %s%n", LOAD_AT_START, loadavg());
    System.out.println("       latency = client arrival (Java Instant.now()) - job's stamp (bash $EPOCHREALTIME); same wall clock");
    System.out.println();
    String fmt = "%-28s %7s %7s %8s %8s %8s %8s %8s%n";
    System.out.printf(Locale.ROOT, fmt, "scenario", "clients", "events", "samples", "p50 ms", "p99 ms", "max ms", "min ms");
    for (Result r : results) {
      long[] s = r.samplesNs();
      System.out.printf(Locale.ROOT, fmt, r.scenario(), r.clients(), r.events(), s.length,
          ms(pct(s, 0.50)), ms(pct(s, 0.99)), ms(s.length == 0 ? Long.MIN_VALUE : s[s.length - 1]),
          ms(s.length == 0 ? Long.MIN_VALUE : s[0]));
    }
    System.out.println();
    for (Result r : results) {
      for (String note : r.notes()) {
        System.out.printf(Locale.ROOT, "  %-10s %s%n", r.key() + "/" + r.clients(), note);
      }
    }
  }

  private static Opts parse(String[] args) {
    Opts o = new Opts();
    for (String a : args) {
      if (a.equals("-h") || a.equals("--help")) {
        System.out.println("""
            usage: scripts/bench-push [--name=value ...]
              --clients=100          clients of the "many" runs (each its own websocket)
              --exit-jobs=200        measured jobs with 1 client (one sample each)
              --exit-jobs-many=50    measured jobs with --clients clients (one sample per client each)
              --warmup-jobs=5        unmeasured jobs first
              --inflight=4           jobs submitted and not yet seen finished, at once
              --hold-ms=200          how long bench_exit.sh runs before it exits
              --log-lines=250        tick lines of the log job (one sample per line per client)
              --log-interval-ms=25   pause between tick lines
              --coalesce-ms=N        override logs.coalesce_ms (default: as configured); --batch-ms=N is
                                     the old name of this option
              --bridge-markers=200   markers of the bridge scenario (one sample per marker per client)
              --bridge-interval-ms=20 pause between markers (100 clients: 5,000 frames/s)
              --deadline-s=170       abort the whole run after this long
              --scenarios=exit,log   which scenarios to run: exit, log, bridge (the floor under both)""");
        System.exit(0);
      }
      String[] kv = a.replaceFirst("^--", "").split("=", 2);
      if (kv.length != 2) {
        throw new IllegalArgumentException("expected --name=value: " + a);
      }
      long v = kv[0].equals("scenarios") ? 0 : Long.parseLong(kv[1]);
      switch (kv[0]) {
        case "clients" -> o.clients = (int) v;
        case "exit-jobs" -> o.exitJobs = (int) v;
        case "exit-jobs-many" -> o.exitJobsMany = (int) v;
        case "warmup-jobs" -> o.warmupJobs = (int) v;
        case "inflight" -> o.inflight = (int) v;
        case "hold-ms" -> o.holdMs = (int) v;
        case "log-lines" -> o.logLines = (int) v;
        case "log-interval-ms" -> o.logIntervalMs = (int) v;
        case "coalesce-ms", "batch-ms" -> o.coalesceMs = v;
        case "bridge-markers" -> o.bridgeMarkers = (int) v;
        case "bridge-interval-ms" -> o.bridgeIntervalMs = (int) v;
        case "deadline-s" -> o.deadlineS = (int) v;
        case "scenarios" -> o.scenarios = kv[1];
        default -> throw new IllegalArgumentException("unknown option --" + kv[0] + " (see --help)");
      }
    }
    return o;
  }
}
