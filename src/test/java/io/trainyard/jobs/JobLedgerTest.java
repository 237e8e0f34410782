package io.trainyard.jobs;

import io.trainyard.store.Database;
import io.trainyard.testing.Await;
import io.trainyard.testing.SharedPostgres;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Tuple;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The lifecycle owner against a real PostgreSQL: legal moves commit and publish exactly one event with
 * the committed row, illegal ones change nothing and publish nothing, and a sweep parent follows its shards.
 */
class JobLedgerTest {
  private static final Vertx VERTX = Vertx.vertx();
  private static Database db;
  private static JobLedger ledger;
  private static final AtomicInteger WAKES = new AtomicInteger();
  private static final List<JsonObject> EVENTS = new CopyOnWriteArrayList<>();
  private static long owner;

  @BeforeAll
  static void start() throws Exception {
    db = await(Database.open(VERTX, new JsonObject().put("url", SharedPostgres.newDatabase()),
        Files.createTempDirectory("ledger-test")));
    owner = await(db.pool().preparedQuery("""
            INSERT INTO users(username, password_hash, schedule_mode) VALUES ('ledger', 'x', 'parallel') RETURNING id""")
        .execute(Tuple.tuple())).iterator().next().getLong(0);
    ledger = new JobLedger(db.pool(), new Limits(1, 3, 8), VERTX.eventBus(), WAKES::incrementAndGet);
    await(VERTX.eventBus().<JsonObject>consumer(JobEvents.USER_PREFIX + owner, m -> EVENTS.add(m.body())).completion());
  }

  @AfterAll
  static void stop() throws Exception {
    await(db.close(VERTX));
    await(VERTX.close());
  }

  @Test
  void aQueuedJobIsPublishedOnceWithItsCommittedRowAndWakesTheSchedulerOnce() throws Exception {
    int wakes = WAKES.get();
    Job job = await(ledger.queue(List.of(newJob(null, JobType.TRAIN)))).get(0);
    assertEquals(JobStatus.QUEUED, job.status());
    JsonObject event = eventFor(job.id(), "queued");
    assertEquals(job.id(), event.getJsonObject("job").getString("job_id"));
    assertTrue(event.getJsonObject("job").getLong("queue_position") >= 1, "the queued event shows the queue place");
    assertEquals(wakes + 1, WAKES.get());
    assertEquals(job.toJson(), Job.fromJson(job.toJson()).toJson(), "a record survives being handed on as JSON");
  }

  @Test
  void aQueuedBatchIsAnsweredWithTheQueuePlacesAndReasonsAReadShows() throws Exception {
    long other = newUser("ledger-batch");
    String dep = await(ledger.queue(List.of(newJob(other, 0, null, null, JobType.TRAIN)))).get(0).id();
    await(ledger.queue(List.of(newJob(other, 2, null, null, JobType.TRAIN), newJob(other, 0, null, null, JobType.PREDICT))));
    JobLedger.NewJob parent = newJob(other, 1, null, null, JobType.SWEEP);
    List<JobLedger.NewJob> batch = List.of(parent, newJob(other, 1, null, parent.jobId(), JobType.TRAIN),
        newJob(other, 0, dep, null, JobType.PREDICT), newJob(other, 2, null, null, JobType.TRAIN),
        newJob(other, 1, null, parent.jobId(), JobType.TRAIN), newJob(other, 0, null, null, JobType.TRAIN),
        newJob(other, -1, "job_gone", null, JobType.TRAIN));

    List<Job> created = await(ledger.queue(batch));

    assertEquals(batch.stream().map(JobLedger.NewJob::jobId).toList(), created.stream().map(Job::id).toList());
    JobRepository reads = new JobRepository(db.pool(), new Limits(1, 3, 8));
    for (Job job : created) {
      Job read = await(reads.find(job.id(), null)).orElseThrow();
      assertEquals(read.queuePosition(), job.queuePosition(), job.id() + " " + job.type() + " p" + job.priority());
      assertEquals(read.waitingReason(), job.waitingReason(), job.id());
    }
    // Start order: the two priority-2 jobs, the sweep's shards, the four priority-0 jobs oldest first
    // (three of them queued before the batch); the sweep parent itself holds no place, and the job
    // whose dependency does not exist failed in the insert's own transaction.
    assertEquals(java.util.Arrays.asList(null, 3L, 7L, 2L, 4L, 8L, null),
        created.stream().map(Job::queuePosition).toList());
    assertEquals(JobStatus.FAILED, created.get(6).status());
    assertEquals("dependency job_gone no longer exists", created.get(6).error());
  }

  @Test
  void dailyRollupsHoldTheSameHistogramsAsTheJobsTheyCount() throws Exception {
    long analyst = await(db.pool().preparedQuery("""
            INSERT INTO users(username, password_hash, schedule_mode) VALUES ('ledger-daily', 'x', 'parallel') RETURNING id""")
        .execute(Tuple.tuple())).iterator().next().getLong(0);
    // Twenty running jobs created today, with run and wait times spread over many buckets; ten end one by one through
    // the ledger, ten together in one statement (the trigger groups them).
    await(db.pool().preparedQuery("""
            INSERT INTO jobs(job_id, job_type, status, owner_user_id, created_at, started_at, node_id)
            SELECT 'job_daily_' || g, 'train', 'running', $1, date_trunc('day', now()) + g * interval '7 seconds',
                   date_trunc('day', now()) + g * interval '7 seconds' + (g * g) * interval '1 second', 'n'
            FROM generate_series(1, 20) g""").execute(Tuple.of(analyst)));
    for (int g = 1; g <= 10; g++) {
      await(ledger.finish("job_daily_" + g, g % 3 == 0 ? JobStatus.FAILED : JobStatus.SUCCESS, 0, null, null));
    }
    await(db.pool().query("UPDATE jobs SET status = 'canceled', finished_at = clock_timestamp() "
        + "WHERE job_id LIKE 'job_daily_%' AND status = 'running'").execute());
    var row = await(db.pool().preparedQuery("""
            SELECT d.success, d.failed, d.canceled, d.run_hist = x.run AND d.wait_hist = x.wait
            FROM job_daily d,
                 (SELECT job_hist(array_agg(job_hist_bucket(extract(epoch FROM finished_at - started_at)))) AS run,
                         job_hist(array_agg(job_hist_bucket(extract(epoch FROM started_at - created_at)))) AS wait
                  FROM jobs WHERE owner_user_id = $1) x
            WHERE d.owner_user_id = $1 -- one row: every job was created today""").execute(Tuple.of(analyst))).iterator().next();
    assertEquals(7, row.getInteger(0));
    assertEquals(3, row.getInteger(1));
    assertEquals(10, row.getInteger(2));
    assertTrue(row.getBoolean(3), "run and wait histograms equal those computed from the jobs themselves");
  }

  @Test
  void anExitIsRecordedOnceWithItsOutputsOnlyWhenItSucceeded() throws Exception {
    long exiter = await(db.pool().preparedQuery("""
            INSERT INTO users(username, password_hash, schedule_mode) VALUES ('ledger-exit', 'x', 'parallel') RETURNING id""")
        .execute(Tuple.tuple())).iterator().next().getLong(0);
    String ok = running(exiter, "job_exit_ok");
    String bad = running(exiter, "job_exit_bad");
    String asked = running(exiter, "job_exit_asked");
    await(ledger.requestCancel(asked));
    ProcessExit.Output model = new ProcessExit.Output("model_exit_ok", "/tmp/m.json", new JsonObject().put("val_r2", 0.9),
        null, null, 0, new JsonObject().put("val_r2", 0.9));
    JsonObject last = new JsonObject().put("stage", "Training").put("progress", 40.0).put("last_log", "epoch 4/10");

    Job done = await(ledger.exited(ok, new ProcessExit(0, false, null, last, model))).orElseThrow();
    assertEquals(JobStatus.SUCCESS, done.status());
    assertEquals("model_exit_ok", done.modelId());
    assertEquals(100.0, done.progress(), "a success ends at 100");
    assertEquals("epoch 4/10", done.lastLog(), "the final progress is written with the outcome");
    Job failed = await(ledger.exited(bad, new ProcessExit(2, false, "ERROR: no such column", last,
        new ProcessExit.Output("model_exit_bad", "/tmp/m.json", new JsonObject(), null, null, 0, null)))).orElseThrow();
    assertEquals(JobStatus.FAILED, failed.status());
    assertEquals("ERROR: no such column", failed.error());
    assertEquals(40.0, failed.progress(), "a failure keeps the progress it reached");
    assertEquals(null, failed.modelId());
    Job canceled = await(ledger.exited(asked, new ProcessExit(0, false, null, null,
        new ProcessExit.Output("model_exit_asked", "/tmp/m.json", new JsonObject(), null, null, 0, null)))).orElseThrow();
    assertEquals(JobStatus.CANCELED, canceled.status(), "a cancel requested meanwhile wins over exit code 0");
    assertEquals("canceled by request", canceled.error());

    assertTrue(await(ledger.exited(ok, new ProcessExit(1, false, "late", null, null))).isEmpty(), "an exit is recorded once");
    var models = await(db.pool().preparedQuery("SELECT model_id FROM models WHERE owner_user_id = $1")
        .execute(Tuple.of(exiter)));
    assertEquals(1, models.size(), "only the success registered its model");
    assertEquals("model_exit_ok", models.iterator().next().getString(0));
  }

  private static String running(long owner, String id) throws Exception {
    await(db.pool().preparedQuery("""
            INSERT INTO jobs(job_id, job_type, status, owner_user_id, started_at, node_id)
            VALUES ($1, 'train', 'running', $2, now(), 'n')""").execute(Tuple.of(id, owner)));
    return id;
  }

  @Test
  void nothingLeavesATerminalStatus() throws Exception {
    Job job = await(ledger.queue(List.of(newJob(null, JobType.TRAIN)))).get(0);
    Optional<Job> canceled = await(ledger.cancelQueued(job.id()));
    assertEquals(JobStatus.CANCELED, canceled.orElseThrow().status());
    eventFor(job.id(), "canceled");
    int events = EVENTS.size();
    int wakes = WAKES.get();

    assertTrue(await(ledger.finish(job.id(), JobStatus.SUCCESS, 0, null, null)).isEmpty(), "canceled -> success refused");
    assertTrue(await(ledger.finish(job.id(), JobStatus.FAILED, 1, "late", null)).isEmpty(), "canceled -> failed refused");
    assertTrue(await(ledger.cancelQueued(job.id())).isEmpty());
    assertTrue(await(ledger.requestCancel(job.id())).isEmpty());
    assertEquals(events, EVENTS.size(), "a refused move publishes nothing");
    assertEquals(wakes, WAKES.get(), "a refused move wakes nobody");
    assertEquals("canceled", status(job.id()));
  }

  @Test
  void finishRefusesAStatusThatIsNotTerminal() {
    Future<Optional<Job>> f = ledger.finish("job_x", JobStatus.RUNNING, null, null, null);
    assertTrue(f.failed());
  }

  @Test
  void aRunningJobCannotGoBackToQueuedThroughACloudApply() throws Exception {
    String id = Ids.job();
    await(ledger.pending(id, "replicate", owner, new JsonObject().put("kind", "training"), null, "/tmp/x.log", "/tmp/x"));
    var toRunning = await(ledger.<String>applyCloud(id, cur -> Optional.of("running"), s -> state(s), u -> Future.succeededFuture()));
    assertTrue(toRunning.orElseThrow().statusChanged());
    eventFor(id, "running");
    var back = await(ledger.<String>applyCloud(id, cur -> Optional.of("queued"), s -> state(s), u -> Future.succeededFuture()));
    assertTrue(back.isEmpty(), "running -> queued is backwards");
    assertEquals("running", status(id));
  }

  @Test
  void aSweepParentFollowsItsShardsAndIsPublishedWithThem() throws Exception {
    JobLedger.NewJob parent = newJob(null, JobType.SWEEP);
    List<Job> created = await(ledger.queue(List.of(parent, newJob(parent.jobId(), JobType.TRAIN),
        newJob(parent.jobId(), JobType.TRAIN))));
    String a = created.get(1).id();
    String b = created.get(2).id();
    await(db.pool().preparedQuery("UPDATE jobs SET cancel_requested = true WHERE owner_user_id = $1 AND job_id <> ALL($2)")
        .execute(Tuple.tuple().addLong(owner).addArrayOfString(new String[] {a, b}))); // only this sweep's shards may be claimed here
    JobLedger.Claim claim = await(ledger.claim("node-ledger-test", true));
    assertEquals(2, claim.started().size());
    eventFor(parent.jobId(), "running");

    await(ledger.finish(a, JobStatus.SUCCESS, 0, null, null));
    assertEquals("running", status(parent.jobId()));
    await(ledger.finish(b, JobStatus.SUCCESS, 0, null, null));
    JsonObject done = eventFor(parent.jobId(), "success");
    assertEquals(100.0, done.getJsonObject("job").getDouble("progress"));
    assertEquals("success", status(parent.jobId()));
  }

  @Test
  void aFlushHoldIsReleasedForExactlyTheQueuedJobsItHeldAndWakesTheScheduler() throws Exception {
    long user = newUser("ledger-hold");
    List<Job> queued = await(ledger.queue(List.of(newJob(user, 0, null, null, JobType.TRAIN),
        newJob(user, 0, null, null, JobType.TRAIN), newJob(user, 0, null, null, JobType.TRAIN))));
    String a = queued.get(0).id();
    String b = queued.get(1).id();
    String flaggedBefore = queued.get(2).id();
    await(ledger.flagCancel(flaggedBefore));

    List<String> held = await(ledger.holdQueued(user));
    assertEquals(java.util.Set.of(a, b), java.util.Set.copyOf(held), "only what this hold flagged");
    assertEquals(List.of(true, true, true), List.of(cancelRequested(a), cancelRequested(b), cancelRequested(flaggedBefore)));
    int wakes = WAKES.get();
    await(ledger.releaseHeld(held));
    assertEquals(List.of(false, false, true), List.of(cancelRequested(a), cancelRequested(b), cancelRequested(flaggedBefore)),
        "held jobs are as they were; the one flagged before stays flagged");
    assertEquals("queued", status(a));
    assertEquals(wakes + 1, WAKES.get(), "the scheduler may claim them again");
  }

  /** A serial user of its own, so other tests' rows never meet this one's. */
  private static long newUser(String name) throws Exception {
    return await(db.pool().preparedQuery("""
            INSERT INTO users(username, password_hash, schedule_mode) VALUES ($1, 'x', 'serial') RETURNING id""")
        .execute(Tuple.of(name))).iterator().next().getLong(0);
  }

  private static boolean cancelRequested(String id) throws Exception {
    return await(db.pool().preparedQuery("SELECT cancel_requested FROM jobs WHERE job_id = $1").execute(Tuple.of(id)))
        .iterator().next().getBoolean(0);
  }

  @Test
  void theLifecycleRuleIsForwardOnly() {
    java.util.Map<JobStatus, Integer> rank = java.util.Map.of(JobStatus.PENDING, 0, JobStatus.QUEUED, 1,
        JobStatus.RUNNING, 2, JobStatus.SUCCESS, 3, JobStatus.FAILED, 3, JobStatus.CANCELED, 3);
    for (JobStatus from : JobStatus.values()) {
      for (JobStatus to : JobStatus.values()) {
        boolean expected = rank.get(from) < 3 && rank.get(to) > rank.get(from);
        assertEquals(expected, from.canMoveTo(to), from + " -> " + to);
      }
    }
    assertEquals(List.of(JobStatus.PENDING, JobStatus.QUEUED), JobStatus.sourcesOf(JobStatus.RUNNING));
    // The statements whose move is fixed in their SQL (claim, exited, dependents) make legal moves only.
    assertTrue(JobStatus.QUEUED.canMoveTo(JobStatus.RUNNING));
    assertTrue(JobStatus.QUEUED.canMoveTo(JobStatus.FAILED));
    for (JobStatus end : JobStatus.terminal()) {
      assertTrue(JobStatus.RUNNING.canMoveTo(end));
    }
    assertFalse(JobStatus.QUEUED.canMoveTo(JobStatus.PENDING));
  }

  private static CloudState state(String status) {
    return new CloudState(status, null, null, null, null, null, null, null, null, null, null, null, null);
  }

  private static JobLedger.NewJob newJob(String parent, JobType type) {
    return newJob(owner, 0, null, parent, type);
  }

  private static JobLedger.NewJob newJob(long owner, int priority, String dependsOn, String parent, JobType type) {
    String id = Ids.job();
    return new JobLedger.NewJob(id, type, owner, new JsonObject(), priority, dependsOn, parent, "/tmp/" + id + ".log",
        "/tmp/" + id);
  }

  @Test
  void aNodeWhoseHeartbeatStoppedIsDeclaredLostOnceAndItsRunningJobsFailNamingIt() throws Exception {
    List<String> ids = claimedOn("node-doomed", 2);
    insertNode("node-doomed", "m-doomed", 3600, "up");
    insertNode("node-member", "m-alive", 3600, "up");
    insertNode("node-fresh", "m-fresh", 0, "up");
    int wakes = WAKES.get();

    JobLedger.NodesLost lost = await(ledger.nodesLost("node-survivor", 30, List.of("m-alive", "m-survivor")));
    assertEquals(List.of("node-doomed"), lost.nodes(), "a node still in the membership, or fresh, is not lost");
    assertEquals(java.util.Set.copyOf(ids), lost.failed().stream().map(Job::id).collect(java.util.stream.Collectors.toSet()));
    for (String id : ids) {
      JsonObject event = eventFor(id, "failed");
      assertEquals("node node-doomed was lost", event.getJsonObject("job").getString("error"));
      assertEquals("failed", status(id));
    }
    assertEquals(wakes + 1, WAKES.get(), "the freed slots wake the scheduler once");
    assertEquals("lost", nodeState("node-doomed"));
    assertEquals("up", nodeState("node-member"));
    assertEquals("up", nodeState("node-fresh"));

    JobLedger.NodesLost again = await(ledger.nodesLost("node-other-survivor", 30, List.of()));
    assertFalse(again.nodes().contains("node-doomed"), "a lost node is declared lost once");
    assertTrue(again.failed().stream().noneMatch(j -> ids.contains(j.id())));
  }

  @Test
  void aDrainingNodeClaimsNothingAndClaimsAgainWhenUp() throws Exception {
    insertNode("node-drained", "m-drained", 0, "draining");
    String id = await(ledger.queue(List.of(newJob(null, JobType.TRAIN)))).get(0).id();
    holdAllQueuedBut(List.of(id));
    assertTrue(await(ledger.claim("node-drained", false)).started().isEmpty(), "a draining node starts nothing");
    assertEquals("queued", status(id));
    await(db.pool().query("UPDATE cluster_nodes SET state = 'up' WHERE node_id = 'node-drained'").execute());
    assertEquals(List.of(id), await(ledger.claim("node-drained", false)).started().stream().map(Job::id).toList());
  }

  /** {@code n} new jobs claimed by {@code node} (every other queued job is held back). */
  private static List<String> claimedOn(String node, int n) throws Exception {
    List<JobLedger.NewJob> batch = new java.util.ArrayList<>();
    for (int i = 0; i < n; i++) {
      batch.add(newJob(null, JobType.TRAIN));
    }
    List<String> ids = await(ledger.queue(batch)).stream().map(Job::id).toList();
    holdAllQueuedBut(ids);
    assertEquals(n, await(ledger.claim(node, false)).started().size());
    return ids;
  }

  private static void holdAllQueuedBut(List<String> ids) throws Exception {
    await(db.pool().preparedQuery("UPDATE jobs SET cancel_requested = true WHERE status = 'queued' AND job_id <> ALL($1)")
        .execute(Tuple.tuple().addArrayOfString(ids.toArray(new String[0]))));
  }

  /** A node row whose last heartbeat is {@code ageSeconds} old. */
  private static void insertNode(String node, String member, double ageSeconds, String state) throws Exception {
    await(db.pool().preparedQuery("""
            INSERT INTO cluster_nodes(node_id, instance, member_id, capacity, version, state, last_heartbeat_at)
            VALUES ($1, 'i', $2, 8, 'test', $4, clock_timestamp() - make_interval(secs => $3))""")
        .execute(Tuple.of(node, member, ageSeconds, state)));
  }

  private static String nodeState(String node) throws Exception {
    return await(db.pool().preparedQuery("SELECT state FROM cluster_nodes WHERE node_id = $1").execute(Tuple.of(node)))
        .iterator().next().getString(0);
  }

  private static String status(String jobId) throws Exception {
    return await(db.pool().preparedQuery("SELECT status FROM jobs WHERE job_id = $1").execute(Tuple.of(jobId)))
        .iterator().next().getString(0);
  }

  /** Waits for the status event of a job, which is delivered on the event loop after the commit. */
  private static JsonObject eventFor(String jobId, String status) {
    return Await.until("a " + status + " event for " + jobId, Duration.ofSeconds(10),
        () -> EVENTS.stream().filter(e -> jobId.equals(e.getString("job_id")) && status.equals(e.getString("status")))
            .findFirst(), Optional::isPresent).orElseThrow();
  }

  private static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
  }
}
