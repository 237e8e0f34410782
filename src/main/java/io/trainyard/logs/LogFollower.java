package io.trainyard.logs;

import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The follow state of one running job's log: how far it has been published, the last progress
 * sent, and when progress was last written to the database. {@link #poll} is blocking.
 */
final class LogFollower {
  /** How much of the log's end is parsed for progress; the newest lines decide. */
  static final int PROGRESS_WINDOW = 16 * 1024;

  final String jobId;
  final long owner;
  final Path log;
  final long startedAtMillis;
  long offset;
  Progress published = Progress.EMPTY;
  Progress persisted = Progress.EMPTY;
  long persistedAt;

  LogFollower(String jobId, long owner, Path log, long startedAtMillis) {
    this.jobId = jobId;
    this.owner = owner;
    this.log = log;
    this.startedAtMillis = startedAtMillis;
  }

  /** What changed since the last poll. */
  record Update(LogReader.Chunk chunk, long chunkOffset, Progress progress) {
  }

  /** Reads new bytes (if any) and the current progress. Returns null when nothing was appended. */
  Update poll(long nowMillis) throws IOException {
    long size;
    try {
      size = Files.size(log);
    } catch (java.nio.file.NoSuchFileException e) {
      return null;
    }
    if (size <= offset) {
      return null;
    }
    long from = offset;
    LogReader.Chunk chunk = LogReader.from(log, from);
    offset = chunk.nextOffset();
    Progress p = ProgressParser.parse(LogReader.tail(log, PROGRESS_WINDOW), startedAtMillis, nowMillis);
    return new Update(chunk, from, p);
  }

  static JsonObject logEvent(String jobId, long offset, String text) {
    return new JsonObject().put("type", "job_log").put("job_id", jobId).put("offset", offset).put("text", text);
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
