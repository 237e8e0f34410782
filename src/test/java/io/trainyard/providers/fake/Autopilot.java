package io.trainyard.providers.fake;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.Locale;

/**
 * Runs API-created jobs by themselves when on, for the demo and UI tests where nobody advances jobs by
 * hand: one step to {@code processing}, then {@code steps} log lines {@code stepMs} apart, then the outcome
 * named by {@code input.fake_outcome} (default {@code succeeded}) with {@code steps × stepMs} billed.
 * A job finished by anyone else (a cancel, a test) is left alone. Settings are guarded by this object.
 */
final class Autopilot {
  private final Vertx vertx;
  private final JobStore store;
  private boolean enabled;
  private long stepMs = 1000;
  private int steps = 10;

  Autopilot(Vertx vertx, JobStore store) {
    this.vertx = vertx;
    this.store = store;
  }

  /** Applies to jobs created from now on (and to the remaining steps of running ones). */
  synchronized void configure(boolean enabled, long stepMs, int steps) {
    this.enabled = enabled;
    this.stepMs = Math.max(10, stepMs);
    this.steps = Math.max(1, steps);
  }

  /** Called for every job created through the API; drives it if the autopilot is on. */
  void take(String id) {
    synchronized (this) {
      if (!enabled) {
        return;
      }
    }
    schedule(id, 0);
  }

  private void schedule(String id, int step) {
    long ms;
    synchronized (this) {
      ms = stepMs;
    }
    vertx.setTimer(ms, t -> {
      if (step(id, step)) {
        schedule(id, step + 1);
      }
    });
  }

  /** Makes one move; false once the job is finished. */
  private boolean step(String id, int step) {
    long ms;
    int n;
    synchronized (this) {
      ms = stepMs;
      n = steps;
    }
    // Check and change under the store's monitor, so a cancel from a test thread in between is not undone.
    synchronized (store) {
      JsonObject job = store.active(id);
      if (job == null) {
        return false;
      }
      if (step == 0) {
        store.update(id, "processing", "Loading training data\nwarming up\n", null, null, null, null);
        return true;
      }
      if (step <= n) {
        String line = String.format(Locale.ROOT, "epoch 1/1 step %d/%d loss %.4f", step, n, 1.0 / (step + 1)) + "\n";
        store.update(id, null, line, null, null, null, null);
        return true;
      }
      String outcome = job.getJsonObject("input", new JsonObject()).getString("fake_outcome", "succeeded");
      boolean ok = outcome.equals("succeeded");
      store.update(id, outcome, "done\n", null, ok ? null : "fake outcome " + outcome, n * ms / 1000.0,
          ok ? new JsonArray().add("https://example.invalid/out.bin") : null);
      return false;
    }
  }
}
