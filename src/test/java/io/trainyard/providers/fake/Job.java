package io.trainyard.providers.fake;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.security.SecureRandom;
import java.util.List;

/** One training or prediction as the fake keeps it. Mutable: guarded by the {@link JobStore}'s monitor. */
final class Job {
  static final List<String> TERMINAL = List.of("succeeded", "failed", "canceled", "aborted");
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final String ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789";

  /** Creation order: lists are newest first and their cursors point into this sequence. */
  final long seq;
  /** {@code training} or {@code prediction}; the two share ids but not routes. */
  final String kind;
  /** Exactly what the API answers for this job; copied before it leaves the store. */
  final JsonObject obj;
  /** What the submission asked for, kept apart because Replicate does not echo it back. */
  final String webhook;
  final JsonArray filter;

  Job(long seq, String kind, JsonObject obj, String webhook, JsonArray filter) {
    this.seq = seq;
    this.kind = kind;
    this.obj = obj;
    this.webhook = webhook;
    this.filter = filter;
  }

  String id() {
    return obj.getString("id");
  }

  boolean terminal() {
    return TERMINAL.contains(obj.getString("status"));
  }

  /** A 26 character lowercase id shaped like Replicate's, so id parsing in the client is exercised. */
  static String newId() {
    StringBuilder sb = new StringBuilder(26);
    for (int i = 0; i < 26; i++) {
      sb.append(ALPHABET.charAt(RANDOM.nextInt(ALPHABET.length())));
    }
    return sb.toString();
  }
}
