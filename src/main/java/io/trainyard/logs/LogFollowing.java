package io.trainyard.logs;

import io.trainyard.jobs.JobEvents;
import io.trainyard.jobs.JobRepository;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Follows this node's running job logs: a log is read when the file system reports it changed, once a
 * short window ({@link FollowSettings#coalesceMs}) after the first change has passed, so a burst of lines
 * goes out as one {@code job_log} event; a slow safety poll marks every log due too, for notifications
 * that were lost or never come.
 *
 * <p>Everything here is owned by one event loop (the verticle's). Reads run as one blocking task per
 * round, never two rounds at once, so a log's reads never overlap and each continues exactly where the
 * one before was published: offsets have no gap and no duplicate. Change notifications arrive on the
 * same event loop from {@link DirWatcher}'s thread.
 */
final class LogFollowing {
  private static final Logger LOG = Logger.getLogger(LogFollowing.class.getName());

  private final Vertx vertx;
  private final JobRepository jobs;
  private final FollowSettings settings;
  private final DirWatcher watcher;
  private final Map<String, LogFollower> followed = new LinkedHashMap<>();
  /** Pending round, or -1. */
  private long roundTimer = -1;
  /** Whether the pending round was set for at once (an urgent log), as opposed to a window's end. */
  private boolean roundTimerUrgent;
  /** A round's reads are running; its end schedules the next. */
  private boolean reading;
  /** When the oldest change not yet read was seen ({@link System#nanoTime}), or -1. */
  private long windowStart = -1;
  private long safetyTimer = -1;
  private boolean closed;

  /** Called on {@code context}, which then owns the instance and gets its change notifications. */
  LogFollowing(Vertx vertx, Context context, JobRepository jobs, FollowSettings settings) {
    this.vertx = vertx;
    this.jobs = jobs;
    this.settings = settings;
    this.watcher = settings.changeNotification() ? startWatcher(context) : null;
  }

  private DirWatcher startWatcher(Context context) {
    try {
      return DirWatcher.start(vertx, context, this::changed);
    } catch (java.io.IOException | UnsupportedOperationException e) {
      LOG.log(Level.WARNING, "no file change notifications (" + e + "); job logs are read every "
          + settings.safetyPollMs() + " ms only");
      return null;
    }
  }

  /**
   * Starts following a job's log from byte {@code fromOffset} (0 for a new job; a job re-adopted after
   * a restart, from where its log stood). Once: a second watch of a followed job keeps its offset.
   */
  void follow(String jobId, long owner, Path log, long startedAtMillis, long fromOffset) {
    if (closed || followed.containsKey(jobId)) {
      return;
    }
    LogFollower f = new LogFollower(jobId, owner, log, startedAtMillis);
    f.offset = fromOffset;
    followed.put(jobId, f);
    if (safetyTimer < 0) {
      safetyTimer = vertx.setPeriodic(settings.safetyPollMs(), t -> {
        followed.values().forEach(this::due);
        schedule();
      });
    }
    if (watcher == null) {
      return;
    }
    // Read once the watch is in place: what was written before it is read then, what after it is reported.
    watcher.watch(log.getParent()).onComplete(ar -> {
      if (closed) {
        return; // a registration cut short by the shutdown
      }
      if (ar.failed()) {
        LOG.log(Level.WARNING, "cannot watch " + log.getParent() + " (" + ar.cause()
            + "); its log is read every " + settings.safetyPollMs() + " ms only");
      }
      if (followed.get(jobId) == f) {
        due(f);
        schedule();
      }
    });
  }

  /**
   * Publishes what is left of a job's log, then stops following it; answers its final progress (null
   * if it was not followed), which the caller records with the job's outcome in one transaction. The
   * job's process has exited, so nothing is appended after the read this starts.
   */
  Future<Progress> unfollow(String jobId) {
    LogFollower f = followed.get(jobId);
    if (f == null) {
      return Future.succeededFuture(null);
    }
    if (f.closing == null) {
      f.closing = Promise.promise();
      due(f);
      schedule();
    }
    return f.closing.future();
  }

  /** Cancels the timers and releases the watch service; pending unwatches fail (their flush will not come). */
  Future<Void> close() {
    closed = true;
    vertx.cancelTimer(roundTimer);
    vertx.cancelTimer(safetyTimer);
    for (LogFollower f : followed.values()) {
      vertx.cancelTimer(f.progressTimer);
      if (f.closing != null) {
        f.closing.tryFail("log following stopped");
      }
    }
    return watcher == null ? Future.succeededFuture() : watcher.close();
  }

  private void changed(DirWatcher.Change change) {
    for (LogFollower f : followed.values()) {
      if (change.concerns(f.log)) {
        due(f);
      }
    }
    schedule();
  }

  private void due(LogFollower f) {
    f.dirty = true;
    if (windowStart < 0) {
      windowStart = System.nanoTime();
    }
  }

  /** Sets the next round: at once for an urgent log, else when the window of the oldest change ends. */
  private void schedule() {
    if (closed || reading) {
      return;
    }
    boolean any = false;
    boolean urgent = false;
    for (LogFollower f : followed.values()) {
      any |= f.dirty;
      urgent |= f.dirty && f.urgent();
    }
    if (!any || roundTimer >= 0 && (roundTimerUrgent || !urgent)) {
      return;
    }
    vertx.cancelTimer(roundTimer);
    long waitedMs = (System.nanoTime() - windowStart) / 1_000_000;
    long delay = urgent ? 1 : Math.max(1, settings.coalesceMs() - waitedMs);
    roundTimerUrgent = urgent;
    roundTimer = vertx.setTimer(delay, t -> {
      roundTimer = -1;
      round();
    });
  }

  /** One blocking task reads every due log from where it was published; the results are applied here. */
  private void round() {
    List<LogFollower> due = new ArrayList<>();
    List<Long> from = new ArrayList<>();
    List<Boolean> finalRead = new ArrayList<>();
    for (LogFollower f : followed.values()) {
      if (f.dirty) {
        f.dirty = false;
        due.add(f);
        from.add(f.offset);
        // Unwatch came before this read began, after the process exited: this read sees the whole log.
        finalRead.add(f.closing != null);
      }
    }
    windowStart = -1;
    if (due.isEmpty()) {
      return;
    }
    reading = true;
    long now = System.currentTimeMillis();
    vertx.executeBlocking(() -> {
      List<LogFollower.Update> out = new ArrayList<>(due.size());
      for (int i = 0; i < due.size(); i++) {
        LogFollower f = due.get(i);
        try {
          out.add(LogFollower.read(f.log, from.get(i), f.startedAtMillis, now));
        } catch (java.io.IOException | RuntimeException e) {
          LOG.log(Level.FINE, "reading " + f.log + " failed", e);
          out.add(null);
        }
      }
      return out;
    }, false).onComplete(ar -> {
      reading = false;
      for (int i = 0; i < due.size(); i++) {
        apply(due.get(i), ar.succeeded() ? ar.result().get(i) : null, finalRead.get(i), now);
      }
      schedule();
    });
  }

  private void apply(LogFollower f, LogFollower.Update u, boolean finalRead, long now) {
    if (closed || followed.get(f.jobId) != f) {
      return;
    }
    f.backlog = false;
    if (u != null && u.from() == f.offset) {
      publish(f, u);
      f.offset = u.chunk().nextOffset();
      if (u.more()) {
        f.backlog = true;
        due(f);
        return;
      }
    }
    if (f.closing != null) {
      if (finalRead) {
        finish(f);
      }
      return;
    }
    if (!f.persisting && now - f.persistedAt >= settings.persistMs() && !LogFollower.sameShown(f.latest, f.persisted)) {
      Progress before = f.persisted;
      Progress p = f.latest;
      f.persisted = p;
      f.persistedAt = now;
      // One write at a time per job, so they land in order; one that failed (PostgreSQL unreachable)
      // is tried again on a later round (the safety poll makes one every second), with the newest value.
      f.persisting = true;
      jobs.updateProgress(f.jobId, p.stage(), p.progress(), p.etaSeconds(), p.lastLog()).onComplete(ar -> {
        f.persisting = false;
        if (ar.failed() && f.persisted == p) {
          f.persisted = before;
        }
      });
    }
  }

  private void publish(LogFollower f, LogFollower.Update u) {
    vertx.eventBus().publish(JobEvents.LOG_PREFIX + f.jobId, LogFollower.logEvent(f.jobId, u.from(), u.chunk().text()));
    var points = f.metrics.feed(u.chunk().text());
    if (!points.isEmpty()) {
      JsonObject event = LogFollower.metricsEvent(f.jobId, points);
      vertx.eventBus().publish(JobEvents.LOG_PREFIX + f.jobId, event);
      JobEvents.progress(vertx.eventBus(), f.owner, event);
    }
    f.latest = u.progress();
    publishProgress(f, false);
  }

  /** Sends the newest progress if it changed: now, or (unless forced) once the event gap has passed. */
  private void publishProgress(LogFollower f, boolean force) {
    if (LogFollower.sameShown(f.latest, f.published)) {
      return;
    }
    long now = System.currentTimeMillis();
    long wait = f.publishedAt + settings.progressEventMs() - now;
    if (wait > 0 && !force) {
      if (f.progressTimer < 0) {
        f.progressTimer = vertx.setTimer(wait, t -> {
          f.progressTimer = -1;
          if (!closed && followed.get(f.jobId) == f) {
            publishProgress(f, false);
          }
        });
      }
      return;
    }
    vertx.cancelTimer(f.progressTimer);
    f.progressTimer = -1;
    f.published = f.latest;
    f.publishedAt = now;
    JobEvents.progress(vertx.eventBus(), f.owner, LogFollower.progressEvent(f.jobId, f.latest));
  }

  /** Everything is published: send the final progress regardless of the throttles, then answer unwatch with it. */
  private void finish(LogFollower f) {
    publishProgress(f, true);
    followed.remove(f.jobId);
    if (watcher != null) {
      watcher.unwatch(f.log.getParent());
    }
    if (followed.isEmpty()) {
      vertx.cancelTimer(safetyTimer);
      safetyTimer = -1;
    }
    f.closing.tryComplete(f.latest); // close() may have failed it meanwhile
  }
}
