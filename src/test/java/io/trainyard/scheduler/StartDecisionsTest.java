package io.trainyard.scheduler;

import io.trainyard.jobs.Ids;
import io.trainyard.jobs.Job;
import io.trainyard.jobs.JobLedger;
import io.trainyard.jobs.JobRepository;
import io.trainyard.jobs.JobStatus;
import io.trainyard.jobs.JobType;
import io.trainyard.jobs.Limits;
import io.trainyard.store.Database;
import io.trainyard.testing.Await;
import io.trainyard.testing.SharedPostgres;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Start decisions against a real PostgreSQL, with no processes in the way: the ledger's claim is
 * driven directly, by several schedulers ("nodes") and submitters at once, and the limits are
 * checked on every committed state.
 */
class StartDecisionsTest {
  private static final Vertx VERTX = Vertx.vertx();
  private static final Limits LIMITS = new Limits(1, 3, 8);
  private static Database db;
  private static JobLedger ledger;
  private static final AtomicInteger WAKES = new AtomicInteger();

  @BeforeAll
  static void start() throws Exception {
    db = await(Database.open(VERTX, new JsonObject().put("url", SharedPostgres.newDatabase()),
        Files.createTempDirectory("start-decisions")));
    ledger = new JobLedger(db.pool(), LIMITS, VERTX.eventBus(), WAKES::incrementAndGet);
  }

  @AfterAll
  static void stop() throws Exception {
    await(db.close(VERTX));
    await(VERTX.close());
  }

  /** Each test starts from an empty table, so its own users' jobs are the only ones claimable. */
  @BeforeEach
  @AfterEach
  void clear() throws Exception {
    await(db.pool().query("DELETE FROM jobs").execute());
  }

  @Test
  void limitsStayExactUnderConcurrentSubmissionsFinishesAndTwoSchedulers() throws Exception {
    List<Long> serial = users("conc-serial", "serial", 6);
    List<Long> parallel = users("conc-parallel", "parallel", 6);
    List<Long> all = new ArrayList<>(serial);
    all.addAll(parallel);
    int perUser = 25;
    List<String> violations = new CopyOnWriteArrayList<>();
    AtomicBoolean submitting = new AtomicBoolean(true);
    Map<String, Boolean> finished = new ConcurrentHashMap<>();
    ExecutorService pool = Executors.newFixedThreadPool(8);
    List<java.util.concurrent.Future<?>> workers = new ArrayList<>();
    // Four submitters, each queueing every user's jobs in its own order, one call at a time.
    for (int s = 0; s < 4; s++) {
      workers.add(pool.submit(() -> {
        List<Long> order = new ArrayList<>(all);
        java.util.Collections.shuffle(order);
        for (int i = 0; i < perUser / 4 + 1; i++) {
          for (long owner : order) {
            await(ledger.queue(List.of(newJob(owner, ThreadLocalRandom.current().nextInt(3)))));
          }
        }
        return null;
      }));
    }
    // Two nodes claiming in a loop, and a finisher ending running jobs at random.
    for (String node : List.of("node-a", "node-b")) {
      workers.add(pool.submit(() -> {
        while (submitting.get() || queued() > 0) {
          await(ledger.claim(node, false));
          check(violations);
        }
        return null;
      }));
    }
    workers.add(pool.submit(() -> {
      while (submitting.get() || queued() + running() > 0) {
        for (Row r : await(db.pool().query("SELECT job_id FROM jobs WHERE status = 'running'").execute())) {
          if (ThreadLocalRandom.current().nextBoolean()) {
            await(ledger.finish(r.getString(0), JobStatus.SUCCESS, 0, null, null));
            finished.put(r.getString(0), true);
          }
        }
      }
      return null;
    }));
    try {
      for (int i = 0; i < 4; i++) {
        workers.get(i).get(2, TimeUnit.MINUTES);
      }
      submitting.set(false);
      for (var w : workers) {
        w.get(2, TimeUnit.MINUTES);
      }
    } finally {
      submitting.set(false);
      pool.shutdownNow(); // a failed run must not leave claimers running into the next test
      pool.awaitTermination(1, TimeUnit.MINUTES);
    }
    assertEquals(List.of(), violations, "no committed state exceeded a limit");
    long total = all.size() * 4L * (perUser / 4 + 1);
    assertEquals(total, count("SELECT count(*) FROM jobs WHERE status = 'success'"), "every job ran exactly once");
    assertEquals(total, finished.size());
    assertEquals(0, count("SELECT count(*) FROM queue_counts WHERE n <> 0"), "the trigger-kept queue counts end at zero");
  }

  @Test
  void theQueueCountsMatchTheQueueAndATimerPassDoesNotNeedThem() throws Exception {
    long owner = users("counts", "parallel", 1).get(0);
    queue(owner, 0, 4);
    queue(owner, 3, 2);
    await(ledger.cancelQueued(queue(owner, 3, 1).get(0).id()));
    assertEquals(0, count("""
        SELECT count(*) FROM (SELECT owner_user_id, priority, count(*) AS n FROM jobs
          WHERE status = 'queued' AND provider = 'local' AND job_type <> 'sweep' GROUP BY 1, 2) q
        FULL JOIN (SELECT * FROM queue_counts WHERE n <> 0) c USING (owner_user_id, priority)
        WHERE q.n IS DISTINCT FROM c.n"""), "queue_counts holds exactly the queued jobs per owner and priority");

    await(db.pool().query("UPDATE queue_counts SET n = 0").execute()); // as if the counts had gone wrong
    assertTrue(await(ledger.claim("node-a", false)).started().isEmpty(), "a wake's pass reads the counts");
    assertEquals(3, await(ledger.claim("node-a", true)).started().size(), "a timer pass finds the queue itself");
  }

  @Test
  void aFullQueueFillsEverySlotExactlyAndNoMore() throws Exception {
    List<Long> serial = users("fill-serial", "serial", 3);
    List<Long> parallel = users("fill-parallel", "parallel", 3);
    for (long owner : serial) {
      queue(owner, 0, 5);
    }
    for (long owner : parallel) {
      queue(owner, 0, 5);
    }
    // Two nodes of 8: the users' limits (3 x 1 + 3 x 3 = 12) bind before the nodes' 16 slots.
    Future.all(List.of(ledger.claim("node-a", false), ledger.claim("node-b", false), ledger.claim("node-a", false)))
        .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    await(ledger.claim("node-b", false));
    for (long owner : serial) {
      assertEquals(1, runningOf(owner), "a serial user runs one");
    }
    for (long owner : parallel) {
      assertEquals(3, runningOf(owner), "a parallel user runs three");
    }
    assertTrue(await(ledger.claim("node-a", false)).isEmpty(), "nothing more may start");
  }

  @Test
  void aUsersQueueStartsByPriorityThenAge() throws Exception {
    long owner = users("prio", "serial", 1).get(0);
    List<Job> created = new ArrayList<>();
    for (int priority : new int[] {0, 5, 1, 5, 0}) {
      created.addAll(queue(owner, priority, 1));
    }
    assertEquals(List.of(4L, 1L, 3L, 2L, 5L), created.stream().map(j -> current(j.id()).queuePosition()).toList(),
        "queue positions follow the start order");
    List<String> order = new ArrayList<>();
    for (int i = 0; i < created.size(); i++) {
      Job started = await(ledger.claim("node-a", false)).started().get(0);
      order.add(started.id());
      await(ledger.finish(started.id(), JobStatus.SUCCESS, 0, null, null));
    }
    assertEquals(List.of(created.get(1).id(), created.get(3).id(), created.get(2).id(), created.get(0).id(),
        created.get(4).id()), order);
  }

  @Test
  void aNearlyFullNodeGoesToTheUsersHoldingTheFewestSlots() throws Exception {
    List<Long> owners = users("fair", "parallel", 3);
    JobLedger small = new JobLedger(db.pool(), new Limits(1, 3, 4), VERTX.eventBus(), () -> { });
    queue(owners.get(0), 9, 10); // a big, high-priority backlog
    assertEquals(3, await(small.claim("node-small", false)).started().size(), "the first user takes its three");
    queue(owners.get(1), 0, 10);
    queue(owners.get(2), 0, 10);
    await(small.claim("node-small", false));
    assertEquals(3, runningOf(owners.get(0)));
    assertEquals(1, runningOf(owners.get(1)) + runningOf(owners.get(2)), "the one free slot went to a user with none");
    String first = await(db.pool().query("SELECT job_id FROM jobs WHERE status = 'running' AND owner_user_id = "
        + owners.get(0) + " LIMIT 1").execute()).iterator().next().getString(0);
    await(small.finish(first, JobStatus.SUCCESS, 0, null, null));
    await(small.claim("node-small", false));
    assertEquals(2, runningOf(owners.get(0)), "the freed slot went to a user holding fewer, despite priority");
    assertEquals(1, runningOf(owners.get(1)));
    assertEquals(1, runningOf(owners.get(2)));
  }

  @Test
  void aBurstOfSubmissionsSharesTransactionsAndWakes() throws Exception {
    long owner = users("burst", "parallel", 1).get(0);
    int wakes = WAKES.get();
    List<Future<List<Job>>> all = java.util.Collections.synchronizedList(new ArrayList<>());
    VERTX.runOnContext(v -> {
      for (int i = 0; i < 1000; i++) {
        all.add(ledger.queue(List.of(newJob(owner, 0))));
      }
    });
    Await.until("the burst is written", Duration.ofSeconds(30), () -> all.size() == 1000
        && all.stream().allMatch(Future::isComplete), done -> done);
    assertTrue(all.stream().allMatch(Future::succeeded));
    int groups = WAKES.get() - wakes;
    assertTrue(groups >= 1 && groups <= 20, "1,000 submissions at once are written in a few transactions, not one each: " + groups);
    assertEquals(1000, count("SELECT count(*) FROM jobs WHERE status = 'queued' AND owner_user_id = " + owner));
    List<Long> positions = all.stream().map(f -> f.result().get(0).queuePosition()).sorted().toList();
    assertEquals(1L, positions.get(0));
    assertEquals(1000L, positions.get(999), "every answer carries its own queue position");
    assertEquals(1000, new java.util.HashSet<>(positions).size());
  }

  @Test
  void aSubmissionTheDatabaseRefusesFailsAloneAndTheOthersInItsGroupAreWritten() throws Exception {
    long owner = users("grouped", "parallel", 1).get(0);
    List<Future<List<Job>>> all = java.util.Collections.synchronizedList(new ArrayList<>());
    VERTX.runOnContext(v -> {
      for (int i = 0; i < 20; i++) {
        // An owner that does not exist: the foreign key refuses that row, and with it its whole group.
        all.add(ledger.queue(List.of(newJob(i == 7 ? 987_654_321L : owner, 0))));
      }
    });
    Await.until("every submission is answered", Duration.ofSeconds(30), () -> all.size() == 20
        && all.stream().allMatch(Future::isComplete), done -> done);
    for (int i = 0; i < 20; i++) {
      assertEquals(i != 7, all.get(i).succeeded(), "submission " + i);
    }
    assertEquals(19, count("SELECT count(*) FROM jobs WHERE owner_user_id = " + owner));
  }

  @Test
  void aDependentFailsInTheTransactionThatEndsItsDependency() throws Exception {
    long owner = users("deps", "parallel", 1).get(0);
    Job first = queue(owner, 0, 1).get(0);
    Job second = await(ledger.queue(List.of(newJob(owner, 0, first.id())))).get(0);
    Job third = await(ledger.queue(List.of(newJob(owner, 0, second.id())))).get(0);
    Job started = await(ledger.claim("node-a", false)).started().get(0);
    assertEquals(first.id(), started.id(), "only the job without a pending dependency starts");
    await(ledger.finish(first.id(), JobStatus.FAILED, 1, "boom", null));
    assertEquals("failed", current(second.id()).status().wire());
    assertEquals("dependency " + first.id() + " ended failed", current(second.id()).error());
    assertEquals("dependency " + second.id() + " ended failed", current(third.id()).error());
    Job late = await(ledger.queue(List.of(newJob(owner, 0, first.id())))).get(0);
    assertEquals(JobStatus.FAILED, late.status(), "a job submitted after its dependency failed fails at once");
  }

  @Test
  void aThousandWakesAtOnceCostAFewPassesAndStillStartWhatCanStart() throws Exception {
    long owner = users("wakes", "parallel", 1).get(0);
    String node = "node-wakes";
    String deployment = await(VERTX.deployVerticle(new SchedulerVerticle(new JobRepository(db.pool(), LIMITS), ledger,
        node, 600_000)));
    try {
      JsonObject before = Await.until("the first pass", Duration.ofSeconds(10), () -> stats(node),
          st -> st.getLong("passes") >= 1);
      queue(owner, 0, 10);
      VERTX.runOnContext(v -> {
        for (int i = 0; i < 1000; i++) {
          VERTX.eventBus().send(SchedulerApi.WAKE, null);
        }
      });
      JsonObject after = Await.until("the wakes are taken and three jobs started", Duration.ofSeconds(30),
          () -> stats(node), st -> st.getLong("wakes") >= before.getLong("wakes") + 1000 && st.getLong("started") == 3);
      long passes = after.getLong("passes") - before.getLong("passes");
      assertTrue(passes >= 1 && passes <= 10, "1,000 wakes coalesce into a few passes: " + passes);
      assertEquals(3, runningOf(owner));
    } finally {
      await(VERTX.undeploy(deployment));
    }
  }

  private static JsonObject stats(String node) throws Exception {
    return await(VERTX.eventBus().<JsonObject>request(SchedulerApi.stats(node), null)).body();
  }

  // ------------------------------------------------------------------ helpers

  /** Every committed state: no user above its limit, no node above its capacity. */
  private static void check(List<String> violations) throws Exception {
    for (Row r : await(db.pool().query("""
            SELECT u.username, u.schedule_mode, count(*) FROM jobs j JOIN users u ON u.id = j.owner_user_id
            WHERE j.status = 'running' GROUP BY 1, 2""").execute())) {
      if (r.getLong(2) > LIMITS.forMode(r.getString(1))) {
        violations.add(r.getString(0) + " runs " + r.getLong(2));
      }
    }
    for (Row r : await(db.pool().query("SELECT node_id, count(*) FROM jobs WHERE status = 'running' GROUP BY 1").execute())) {
      if (r.getLong(1) > LIMITS.nodeCapacity()) {
        violations.add(r.getString(0) + " runs " + r.getLong(1));
      }
    }
  }

  private static List<Long> users(String prefix, String mode, int n) throws Exception {
    List<Long> ids = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      ids.add(await(db.pool().preparedQuery("""
              INSERT INTO users(username, password_hash, schedule_mode) VALUES ($1, 'x', $2)
              ON CONFLICT (username) DO UPDATE SET schedule_mode = EXCLUDED.schedule_mode RETURNING id""")
          .execute(Tuple.of(prefix + "-" + i, mode))).iterator().next().getLong(0));
    }
    return ids;
  }

  private static List<Job> queue(long owner, int priority, int n) throws Exception {
    List<JobLedger.NewJob> jobs = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      jobs.add(newJob(owner, priority));
    }
    return await(ledger.queue(jobs));
  }

  private static JobLedger.NewJob newJob(long owner, int priority) {
    return newJob(owner, priority, null);
  }

  private static JobLedger.NewJob newJob(long owner, int priority, String dependsOn) {
    String id = Ids.job();
    return new JobLedger.NewJob(id, JobType.TRAIN, owner, new JsonObject(), priority, dependsOn, null,
        "/tmp/" + id + ".log", "/tmp/" + id);
  }

  private static Job current(String id) {
    try {
      return await(new JobRepository(db.pool(), LIMITS).find(id, null)).orElseThrow();
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  private static long runningOf(long owner) throws Exception {
    return count("SELECT count(*) FROM jobs WHERE status = 'running' AND owner_user_id = " + owner);
  }

  private static long queued() throws Exception {
    return count("SELECT count(*) FROM jobs WHERE status = 'queued'");
  }

  private static long running() throws Exception {
    return count("SELECT count(*) FROM jobs WHERE status = 'running'");
  }

  private static long count(String sql) throws Exception {
    return await(db.pool().query(sql).execute()).iterator().next().getLong(0);
  }

  private static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
  }
}
