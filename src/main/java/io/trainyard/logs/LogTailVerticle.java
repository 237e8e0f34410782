package io.trainyard.logs;

import io.trainyard.jobs.JobPaths;
import io.trainyard.jobs.JobRepository;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;

/**
 * Reads and follows this node's job logs. A followed log is read when the file system reports a change
 * (see {@link LogFollowing}): appended bytes go out as {@code job_log} events with their byte offset, so
 * a reconnecting client resumes without gaps or duplicates; parsed progress goes out as
 * {@code job_progress} when it changed, and is written to the job at most every
 * {@link FollowSettings#persistMs}.
 */
public final class LogTailVerticle extends VerticleBase {
  /** Points per series a metrics read answers at most: what a chart can show, from any log length. */
  static final int MAX_POINTS = 5000;
  private final String nodeId;
  private final Path artifacts;
  private final int tailChars;
  private final JobRepository jobs;
  private final FollowSettings settings;
  private LogFollowing following;
  /**
   * Reads run here, a few at a time: a burst of large reads queues on these threads instead of taking
   * the shared worker pool that launches and signals jobs, and at most this many buffers exist at once.
   */
  private io.vertx.core.WorkerExecutor reads;
  static final int READ_THREADS = 2;
  /** Most characters one {@code ?tail=} read answers (about 1 MiB of text): a bound, whatever the line count. */
  static final int MAX_LINES_CHARS = 256 * 1024;

  public LogTailVerticle(String nodeId, Path artifacts, int tailChars, JobRepository jobs, FollowSettings settings) {
    this.nodeId = nodeId;
    this.artifacts = artifacts.toAbsolutePath().normalize();
    this.tailChars = tailChars;
    this.jobs = jobs;
    this.settings = settings;
  }

  @Override
  public Future<?> start() {
    following = new LogFollowing(vertx, context, jobs, settings);
    reads = vertx.createSharedWorkerExecutor("trainyard-log-reads-" + nodeId, READ_THREADS);
    var bus = vertx.eventBus();
    return Future.all(
        bus.<JsonObject>consumer(LogsApi.read(nodeId), this::read).completion(),
        bus.<JsonObject>consumer(LogsApi.watch(nodeId), this::watch).completion(),
        bus.<JsonObject>consumer(LogsApi.unwatch(nodeId), this::unwatch).completion());
  }

  @Override
  public Future<?> stop() {
    return following.close().eventually(() -> reads.close());
  }

  private void watch(Message<JsonObject> msg) {
    JsonObject b = msg.body();
    Path log = confined(b.getString("log_path"));
    if (log == null) {
      return;
    }
    String started = b.getString("started_at");
    long startedAt = started == null ? System.currentTimeMillis() : Instant.parse(started).toEpochMilli();
    following.follow(b.getString("job_id"), b.getLong("owner_user_id"), log, startedAt, b.getLong("from_offset", 0L));
  }

  private void unwatch(Message<JsonObject> msg) {
    // Replies only once the rest of the log is published, with the final progress.
    following.unfollow(msg.body().getString("job_id")).onComplete(ar -> msg.reply(ar.succeeded() && ar.result() != null
        ? new JsonObject().put("progress", ar.result().toJson()) : new JsonObject()));
  }

  private void read(Message<JsonObject> msg) {
    JsonObject req = msg.body();
    Path log = confined(req.getString("log_path"));
    Path dir = confined(req.getString("artifacts_dir"));
    if (log == null || dir == null) {
      msg.reply(new JsonObject().put("log", "").put("logs", "").put("offset", 0).put("next_offset", 0));
      return;
    }
    Path fallback = dir.resolve(JobPaths.FALLBACK_LOG);
    String mode = req.getString("mode", "tail");
    reads.executeBlocking(() -> {
      Path file = LogReader.effective(log, fallback);
      switch (mode) {
        case "offset" -> {
          long offset = req.getLong("offset");
          LogReader.Chunk c = LogReader.from(file, offset);
          return new JsonObject().put("log", c.text()).put("offset", offset).put("next_offset", c.nextOffset());
        }
        case "lines" -> {
          return new JsonObject().put("logs", LogReader.lastLines(file, req.getInteger("lines"), MAX_LINES_CHARS));
        }
        case "file" -> {
          return new JsonObject().put("path", Files.isRegularFile(file) ? file.toString() : null);
        }
        case "metrics" -> {
          return new JsonObject().put("series", MetricParser.thin(MetricParser.all(file), MAX_POINTS));
        }
        case "progress" -> {
          String started = req.getString("started_at");
          long now = System.currentTimeMillis();
          long startedAt = started == null ? now : Instant.parse(started).toEpochMilli();
          return ProgressParser.parse(LogReader.tail(file, LogFollower.PROGRESS_WINDOW), startedAt, now).toJson();
        }
        default -> {
          return new JsonObject().put("log", LogReader.tail(file, tailChars));
        }
      }
    }, false).onComplete(ar -> {
      if (ar.succeeded()) {
        msg.reply(ar.result());
      } else {
        msg.fail(500, "log read failed");
      }
    });
  }

  private Path confined(String p) {
    if (p == null) {
      return null;
    }
    Path path = Path.of(p).toAbsolutePath().normalize();
    return path.startsWith(artifacts) ? path : null;
  }
}
