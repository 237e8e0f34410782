package io.trainyard.logs;

import io.vertx.core.Promise;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * The follow state of one running job's log: how far it has been published, the last progress sent,
 * when progress was last written to the database, and whether it is due for a read. Owned by the
 * follower's event loop; only {@link #read} runs elsewhere, and it touches none of the mutable fields.
 */
final class LogFollower {
  /** How much of the log's end is parsed for progress; the newest lines decide. */
  static final int PROGRESS_WINDOW = 16 * 1024;
  /**
   * Most bytes one {@code job_log} event carries: what a follower holds at once, whatever a job
   * writes in one go. The rest goes out in the next events, from the next offset.
   */
  static final int MAX_EVENT_BYTES = 64 * 1024;

  final String jobId;
  final long owner;
  final Path log;
  final long startedAtMillis;
  /** The next byte to publish: every byte before it went out in exactly one event. */
  long offset;
  Progress published = Progress.EMPTY;
  long publishedAt;
  /** Sends {@link #latest} once the progress event gap has passed, or -1. */
  long progressTimer = -1;
  Progress persisted = Progress.EMPTY;
  /** The newest progress parsed, published or not (it carries the current ETA). */
  Progress latest = Progress.EMPTY;
  long persistedAt;
  /** A progress write is in flight. */
  boolean persisting;
  /** A change was seen (or may have been missed) since the last read began. */
  boolean dirty;
  /** The last read stopped at {@link #MAX_EVENT_BYTES} with more written after it. */
  boolean backlog;
  /** Metric points of the published text (it keeps a trailing half line until its end arrives). */
  final MetricParser metrics = new MetricParser();
  /** Set by unwatch: completed, with the final progress, once everything written is published. */
  Promise<Progress> closing;

  LogFollower(String jobId, long owner, Path log, long startedAtMillis) {
    this.jobId = jobId;
    this.owner = owner;
    this.log = log;
    this.startedAtMillis = startedAtMillis;
  }

  /** Not worth waiting out a coalescing window for: a backlog to catch up on, or a job that ended. */
  boolean urgent() {
    return backlog || closing != null;
  }

  /**
   * What one read found after {@code from}: a bounded chunk, whether more was written after it, and
   * the progress shown by the log's end.
   */
  record Update(long from, LogReader.Chunk chunk, boolean more, Progress progress) {
  }

  /** Reads what follows {@code from} in {@code log}; null when nothing (complete) was appended. Blocking. */
  static Update read(Path log, long from, long startedAtMillis, long nowMillis) throws IOException {
    long size;
    try {
      size = Files.size(log);
    } catch (NoSuchFileException e) {
      return null;
    }
    if (size <= from) {
      return null;
    }
    LogReader.Chunk chunk = LogReader.from(log, from, MAX_EVENT_BYTES);
    // Nothing complete yet (half a UTF-8 character), or the file vanished between the two calls.
    if (chunk.nextOffset() <= from) {
      return null;
    }
    Progress p = ProgressParser.parse(LogReader.tail(log, PROGRESS_WINDOW), startedAtMillis, nowMillis);
    return new Update(from, chunk, chunk.nextOffset() < size, p);
  }

  static JsonObject logEvent(String jobId, long offset, String text) {
    return new JsonObject().put("type", "job_log").put("job_id", jobId).put("offset", offset).put("text", text);
  }

  static JsonObject metricsEvent(String jobId, java.util.Map<String, io.vertx.core.json.JsonArray> series) {
    return new JsonObject().put("type", "job_metrics").put("job_id", jobId).put("series", new JsonObject(new java.util.LinkedHashMap<>(series)));
  }

  static JsonObject progressEvent(String jobId, Progress p) {
    return new JsonObject().put("type", "job_progress").put("job_id", jobId).put("stage", p.stage())
        .put("progress", p.progress()).put("eta_seconds", p.etaSeconds()).put("last_log", p.lastLog());
  }

  /** Same values apart from the ETA, which moves every tick. */
  static boolean sameShown(Progress a, Progress b) {
    return java.util.Objects.equals(a.stage(), b.stage()) && java.util.Objects.equals(a.progress(), b.progress())
        && java.util.Objects.equals(a.lastLog(), b.lastLog());
  }
}
