package io.trainyard.logs;

import io.trainyard.testing.Await;
import io.trainyard.testing.BridgeClient;
import io.trainyard.testing.TestServer;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Following a log on a real node: files under its artifacts dir are appended to here, and the log
 * verticle is asked to watch and unwatch them over the event bus as the supervisor asks it.
 *
 * <p>The node's safety poll is set far beyond the waits, so whatever arrives in time came by change
 * notification; {@link #withoutChangeNotificationTheSafetyPollStillDeliversTheLog} covers the poll.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LogFollowTest {
  private static final Duration WAIT = Duration.ofSeconds(20);
  private TestServer server;

  @BeforeAll
  void start() {
    // A window long against this machine's scheduling noise, so a burst reliably fits in few of them;
    // progress events a second apart, so consecutive lines' progress is reliably held back.
    server = TestServer.start(c -> c.getJsonObject("logs").put("coalesce_ms", 100).put("safety_poll_ms", 600_000)
        .put("progress_event_ms", 1000));
  }

  @AfterAll
  void stop() {
    server.close();
  }

  @Test
  void appendedLinesArriveAsJobLogEventsWithContiguousOffsetsAndNoDuplicates() throws Exception {
    try (Followed f = new Followed(server, "output.log")) {
      f.append("written before the watch\n");
      f.watch();
      f.awaitAll();
      for (int i = 1; i <= 20; i++) {
        f.append("line " + i + " – ünïcode ✓\n");
        f.awaitAll();
      }
      f.unwatch();
      assertEquals(f.content(), rebuild(f.eventsBeforeMarker()));
    }
  }

  @Test
  void aBurstOfLinesWithinTheWindowCoalescesIntoFewEvents() throws Exception {
    try (Followed f = new Followed(server, "output.log")) {
      f.append("before the burst\n");
      f.watch();
      f.awaitAll();
      int before = f.events().size();
      int lines = 2000;
      // Each write waits until the file system has reported it (to a watcher of the test's own), so the
      // writes are spread out as far as notifications go: only a window holds them back for one read.
      try (FileChannel out = FileChannel.open(f.log, StandardOpenOption.APPEND);
          WatchService noticed = FileSystems.getDefault().newWatchService()) {
        f.log.getParent().register(noticed, StandardWatchEventKinds.ENTRY_MODIFY);
        for (int i = 0; i < lines; i++) {
          out.write(ByteBuffer.wrap(("burst line " + i + "\n").getBytes(StandardCharsets.UTF_8))); // one write(2) each
          awaitNotified(noticed, f.log);
        }
      }
      f.awaitAll();
      int events = f.events().size() - before;
      // Read at once on every notification instead, these writes go out as dozens of events.
      assertTrue(events <= 10, lines + " separate writes went out as " + events + " events");
      f.unwatch();
      assertEquals(f.content(), rebuild(f.eventsBeforeMarker()));
    }
  }

  @Test
  void aLargeAppendIsSplitIntoBoundedChunksWhoseConcatenationIsTheFile() throws Exception {
    try (Followed f = new Followed(server, "output.log")) {
      f.watch();
      StringBuilder big = new StringBuilder();
      // Multi-byte characters of every width, so chunk ends fall inside characters.
      for (int i = 0; big.length() < (1 << 20); i++) {
        big.append("row ").append(i).append(" αβγ €€ \uD83D\uDE00 ").append("x".repeat(i % 7)).append('\n');
      }
      f.append(big.toString());
      f.awaitAll();
      long size = Files.size(f.log);
      for (JsonObject e : f.events()) {
        int bytes = e.getString("text").getBytes(StandardCharsets.UTF_8).length;
        assertTrue(bytes > 0 && bytes <= LogFollower.MAX_EVENT_BYTES, "event of " + bytes + " bytes");
      }
      assertTrue(f.events().size() >= size / LogFollower.MAX_EVENT_BYTES, f.events().size() + " events for " + size + " bytes");
      assertEquals(f.content(), rebuild(f.events()));
      f.unwatch();
    }
  }

  @Test
  void unwatchAfterTheLastWriteDeliversEverythingBeforeReplying() throws Exception {
    try (Followed f = new Followed(server, "output.log")) {
      f.watch();
      for (int i = 0; i < 50; i++) {
        f.append("step " + i + "/50\n");
      }
      // More than one event's worth, written last: the final flush must drain it all before it replies.
      f.append("y".repeat(3 * LogFollower.MAX_EVENT_BYTES) + "\nlast line\n");
      f.unwatch();
      assertEquals(f.content(), rebuild(f.eventsBeforeMarker()));
    }
  }

  @Test
  void progressSettlesOnTheNewestLineWithoutAnotherWrite() throws Exception {
    try (Followed f = new Followed(server, "output.log")) {
      f.watch();
      f.append("step 1/10\n");
      f.awaitAll();
      // Read on its own soon after: its progress is held back, and must still go out, though nothing is
      // written after it.
      f.append("step 10/10\n");
      f.awaitAll();
      Await.until("a job_progress event at 100%", WAIT, () -> f.progress.events(),
          events -> !events.isEmpty() && Double.valueOf(100.0).equals(f.progress.last().getDouble("progress")));
      JsonObject last = f.progress.last();
      assertEquals("job_progress", last.getString("type"));
      assertEquals(f.jobId, last.getString("job_id"));
      assertEquals("step 10/10", last.getString("last_log"));
      f.unwatch();
    }
  }

  @Test
  void unwatchPublishesTheFinalProgressBeforeReplying() throws Exception {
    try (Followed f = new Followed(server, "output.log")) {
      f.append("step 1/4\n");
      f.watch();
      f.awaitAll();
      f.append("step 2/4\nstep 3/4\n");
      f.awaitAll();
      f.append("validating\nstep 4/4 done\n");
      JsonObject answered = f.unwatch();
      assertEquals(100.0, answered.getDouble("progress"), "the unwatch reply carries the final progress");
      assertEquals("step 4/4 done", answered.getString("last_log"));
      List<JsonObject> progress = f.progress.beforeMarker();
      assertTrue(!progress.isEmpty(), "progress events");
      JsonObject last = progress.get(progress.size() - 1);
      assertEquals(100.0, last.getDouble("progress"));
      assertEquals("step 4/4 done", last.getString("last_log"));
    }
  }

  @Test
  void twoLogsInOneDirectoryKeepFollowingWhenOneIsUnwatched() throws Exception {
    try (Followed a = new Followed(server, "a.log"); Followed b = new Followed(server, a.log.getParent(), "b.log")) {
      a.append("a1\n");
      b.append("b1\n");
      a.watch();
      b.watch();
      a.awaitAll();
      b.awaitAll();
      a.unwatch();
      b.append("b2 after a was unwatched\n");
      b.awaitAll();
      b.unwatch();
      assertEquals(b.content(), rebuild(b.eventsBeforeMarker()));
    }
  }

  @Test
  void withoutChangeNotificationTheSafetyPollStillDeliversTheLog() throws Exception {
    try (TestServer polled = TestServer.start(c -> c.getJsonObject("logs").put("change_notification", false)
        .put("safety_poll_ms", 50));
        Followed f = new Followed(polled, "output.log")) {
      f.append("one\n");
      f.watch();
      f.awaitAll();
      f.append("two\n");
      f.awaitAll();
      f.unwatch();
      assertEquals(f.content(), rebuild(f.eventsBeforeMarker()));
    }
  }

  /** Waits until {@code watcher} reports a change of {@code file}. */
  private static void awaitNotified(WatchService watcher, Path file) throws InterruptedException {
    while (true) {
      WatchKey key = watcher.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
      assertNotNull(key, "a change notification for " + file);
      boolean seen = key.pollEvents().stream().anyMatch(e -> file.getFileName().equals(e.context()));
      key.reset();
      if (seen) {
        return;
      }
    }
  }

  /**
   * The text the events rebuild, asserting they start at offset 0 and each starts where the one before
   * ended (no gap, no duplicate).
   */
  private static String rebuild(List<JsonObject> events) {
    StringBuilder text = new StringBuilder();
    long next = 0;
    for (JsonObject e : events) {
      assertEquals("job_log", e.getString("type"));
      assertEquals(next, e.getLong("offset"), "offset of event " + text.length() + " chars in");
      text.append(e.getString("text"));
      next += e.getString("text").getBytes(StandardCharsets.UTF_8).length;
    }
    return text.toString();
  }

  /** What arrives on one event-bus address of a node, in arrival order. */
  private static final class Listened implements AutoCloseable {
    final TestServer node;
    final String address;
    /** Bodies taken off {@link #arriving} so far. */
    final List<JsonObject> events = new ArrayList<>();
    private final LinkedBlockingQueue<JsonObject> arriving = new LinkedBlockingQueue<>();
    private final MessageConsumer<JsonObject> consumer;

    Listened(TestServer node, String address) {
      this.node = node;
      this.address = address;
      consumer = node.vertx().eventBus().consumer(address, m -> arriving.add(m.body()));
      consumer.completion().await();
    }

    /** {@link #events}, with whatever arrived since the last call. */
    List<JsonObject> events() {
      arriving.drainTo(events);
      return events;
    }

    JsonObject last() {
      return events.get(events.size() - 1);
    }

    /**
     * Every event published here before now: a marker published now on the same address arrives after
     * all of them (events on one address arrive in the order published).
     */
    List<JsonObject> beforeMarker() {
      String id = UUID.randomUUID().toString();
      node.publish(address, new JsonObject().put("type", BridgeClient.MARKER).put("marker", id));
      Await.until("the marker on " + address, WAIT,
          () -> events().stream().anyMatch(e -> id.equals(e.getString("marker"))), Boolean::booleanValue);
      List<JsonObject> before = new ArrayList<>();
      for (JsonObject e : events) {
        if (id.equals(e.getString("marker"))) {
          return before;
        }
        if (!BridgeClient.MARKER.equals(e.getString("type"))) {
          before.add(e);
        }
      }
      throw new AssertionError("unreachable");
    }

    @Override
    public void close() {
      consumer.unregister().await();
    }
  }

  /**
   * A job's log under the node's artifacts dir, followed as the supervisor has it followed: its
   * job_log events, and the job_progress events on its owner's address (an owner of its own).
   */
  private static final class Followed implements AutoCloseable {
    private static final AtomicLong OWNERS = new AtomicLong(1_000_000);
    final TestServer node;
    final String jobId = "job_follow_" + UUID.randomUUID().toString().replace("-", "");
    final long owner = OWNERS.incrementAndGet();
    final Path log;
    final Listened logs;
    final Listened progress;

    Followed(TestServer node, String fileName) throws IOException {
      this(node, node.dataDir().resolve("artifacts").resolve("jobs").resolve("dir_" + UUID.randomUUID()), fileName);
    }

    Followed(TestServer node, Path dir, String fileName) throws IOException {
      this.node = node;
      this.log = Files.createDirectories(dir).resolve(fileName);
      Files.createFile(log);
      logs = new Listened(node, "jobs.log." + jobId);
      progress = new Listened(node, "jobs.user." + owner);
    }

    void append(String text) throws IOException {
      Files.writeString(log, text, StandardOpenOption.APPEND);
    }

    String content() throws IOException {
      return Files.readString(log);
    }

    void watch() {
      node.vertx().eventBus().send(LogsApi.watch(node.nodeId()), new JsonObject().put("job_id", jobId)
          .put("owner_user_id", owner).put("log_path", log.toString()).put("started_at", Instant.now().toString()));
    }

    /** Requests unwatch and waits for its reply. */
    /** Answers the final progress the reply carries (what the exit then records with the outcome). */
    JsonObject unwatch() {
      return ((JsonObject) node.vertx().eventBus().request(LogsApi.unwatch(node.nodeId()), new JsonObject().put("job_id", jobId))
          .await().body()).getJsonObject("progress");
    }

    /** Waits until the job_log events carry every byte the log holds now. */
    void awaitAll() throws IOException {
      long size = Files.size(log);
      Await.until("job_log events up to byte " + size + " of " + log, WAIT,
          () -> logs.events().isEmpty() ? 0L
              : logs.last().getLong("offset") + logs.last().getString("text").getBytes(StandardCharsets.UTF_8).length,
          end -> end >= size);
    }

    List<JsonObject> events() {
      return logs.events();
    }

    /** The job_log events published before now. */
    List<JsonObject> eventsBeforeMarker() {
      return logs.beforeMarker();
    }

    @Override
    public void close() {
      logs.close();
      progress.close();
    }
  }
}
