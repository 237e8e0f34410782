package io.trainyard.logs;

import io.trainyard.jobs.JobEvents;
import io.trainyard.jobs.JobPaths;
import io.trainyard.jobs.JobRepository;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads and follows this node's job logs. Followed logs are checked every {@code batchMs} (one stat
 * per running job): appended bytes go out as one {@code job_log} event with their byte offset, so a
 * reconnecting client resumes without gaps or duplicates; parsed progress goes out as
 * {@code job_progress} when it changed, and is written to the job at most every {@code persistMs}.
 */
public final class LogTailVerticle extends VerticleBase {
  private final String nodeId;
  private final Path artifacts;
  private final int tailChars;
  private final JobRepository jobs;
  private final long batchMs;
  private final long persistMs;
  private final Map<String, LogFollower> followed = new LinkedHashMap<>();
  private long timer = -1;
  private boolean polling;

  public LogTailVerticle(String nodeId, Path artifacts, int tailChars, JobRepository jobs, long batchMs, long persistMs) {
    this.nodeId = nodeId;
    this.artifacts = artifacts.toAbsolutePath().normalize();
    this.tailChars = tailChars;
    this.jobs = jobs;
    this.batchMs = batchMs;
    this.persistMs = persistMs;
  }

  @Override
  public Future<?> start() {
    var bus = vertx.eventBus();
    return Future.all(
        bus.<JsonObject>consumer(LogsApi.read(nodeId), this::read).completion(),
        bus.<JsonObject>consumer(LogsApi.watch(nodeId), this::watch).completion(),
        bus.<JsonObject>consumer(LogsApi.unwatch(nodeId), this::unwatch).completion());
  }

  private void watch(Message<JsonObject> msg) {
    JsonObject b = msg.body();
    Path log = confined(b.getString("log_path"));
    if (log == null) {
      return;
    }
    String started = b.getString("started_at");
    long startedAt = started == null ? System.currentTimeMillis() : Instant.parse(started).toEpochMilli();
    followed.put(b.getString("job_id"), new LogFollower(b.getString("job_id"), b.getLong("owner_user_id"), log, startedAt));
    if (timer < 0) {
      timer = vertx.setPeriodic(batchMs, t -> tick());
    }
  }

  private void unwatch(Message<JsonObject> msg) {
    String jobId = msg.body().getString("job_id");
    LogFollower f = followed.get(jobId);
    if (f == null) {
      msg.reply(new JsonObject());
      return;
    }
    // Final flush of this one job, then its last progress is persisted regardless of the throttle.
    vertx.executeBlocking(() -> f.poll(System.currentTimeMillis()), false)
        .compose(update -> {
          publish(f, update);
          Progress last = update != null ? update.progress() : f.published;
          followed.remove(jobId);
          return jobs.updateProgress(jobId, last.stage(), last.progress(), last.etaSeconds(), last.lastLog());
        })
        .onComplete(ar -> {
          stopTimerIfIdle();
          msg.reply(new JsonObject());
        });
  }

  private void tick() {
    if (polling || followed.isEmpty()) {
      stopTimerIfIdle();
      return;
    }
    polling = true;
    List<LogFollower> snapshot = new ArrayList<>(followed.values());
    long now = System.currentTimeMillis();
    vertx.executeBlocking(() -> {
      List<LogFollower.Update> out = new ArrayList<>(snapshot.size());
      for (LogFollower f : snapshot) {
        try {
          out.add(f.poll(now));
        } catch (java.io.IOException e) {
          out.add(null);
        }
      }
      return out;
    }, false).onComplete(ar -> {
      polling = false;
      if (ar.failed()) {
        return;
      }
      for (int i = 0; i < snapshot.size(); i++) {
        LogFollower f = snapshot.get(i);
        LogFollower.Update u = ar.result().get(i);
        if (u == null || !followed.containsKey(f.jobId)) {
          continue;
        }
        publish(f, u);
        if (now - f.persistedAt >= persistMs && !LogFollower.sameShown(u.progress(), f.persisted)) {
          f.persisted = u.progress();
          f.persistedAt = now;
          Progress p = u.progress();
          jobs.updateProgress(f.jobId, p.stage(), p.progress(), p.etaSeconds(), p.lastLog());
        }
      }
    });
  }

  private void publish(LogFollower f, LogFollower.Update u) {
    if (u == null) {
      return;
    }
    var bus = vertx.eventBus();
    if (!u.chunk().text().isEmpty()) {
      bus.publish(JobEvents.LOG_PREFIX + f.jobId, LogFollower.logEvent(f.jobId, u.chunkOffset(), u.chunk().text()));
    }
    if (!LogFollower.sameShown(u.progress(), f.published)) {
      f.published = u.progress();
      JobEvents.progress(bus, f.owner, LogFollower.progressEvent(f.jobId, u.progress()));
    }
  }

  private void stopTimerIfIdle() {
    if (followed.isEmpty() && timer >= 0) {
      vertx.cancelTimer(timer);
      timer = -1;
    }
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
    vertx.executeBlocking(() -> {
      Path file = LogReader.effective(log, fallback);
      switch (mode) {
        case "offset" -> {
          long offset = req.getLong("offset");
          LogReader.Chunk c = LogReader.from(file, offset);
          return new JsonObject().put("log", c.text()).put("offset", offset).put("next_offset", c.nextOffset());
        }
        case "lines" -> {
          return new JsonObject().put("logs", LogReader.lastLines(file, req.getInteger("lines"), 4 * 1024 * 1024));
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
