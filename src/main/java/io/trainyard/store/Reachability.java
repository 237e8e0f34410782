package io.trainyard.store;

import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;

import java.util.logging.Logger;

/**
 * Whether PostgreSQL answers, from a probe ({@code SELECT 1} every second on a connection of its own,
 * so a busy pool never delays it). A probe that fails with an outage, or has not answered within the
 * deadline (a frozen server accepts connections and then never replies), marks the database
 * unreachable until one succeeds again. Requests are then answered 503 at once instead of piling
 * up on a pool whose connections hang.
 */
public final class Reachability {
  private static final Logger LOG = Logger.getLogger(Reachability.class.getName());
  private final Vertx vertx;
  private final Pool probe;
  private final long deadlineMs;
  private volatile boolean reachable = true;
  private boolean inFlight;
  private long sentAt;
  private long timer = -1;

  Reachability(Vertx vertx, Pool probe, long intervalMs, long deadlineMs) {
    this.vertx = vertx;
    this.probe = probe;
    this.deadlineMs = deadlineMs;
    this.timer = vertx.setPeriodic(intervalMs, t -> check());
  }

  public boolean reachable() {
    return reachable;
  }

  private void check() {
    if (inFlight) {
      if (System.currentTimeMillis() - sentAt > deadlineMs) {
        mark(false, "no answer for " + (System.currentTimeMillis() - sentAt) + " ms");
      }
      return;
    }
    inFlight = true;
    sentAt = System.currentTimeMillis();
    probe.query("SELECT 1").execute().onComplete(ar -> {
      inFlight = false;
      if (ar.succeeded()) {
        mark(true, "it answers again");
      } else if (Outage.is(ar.cause())) {
        mark(false, String.valueOf(ar.cause()));
      }
    });
  }

  private void mark(boolean now, String why) {
    if (reachable != now) {
      reachable = now;
      if (now) {
        LOG.info("database reachable: " + why);
      } else {
        LOG.warning("database unreachable (" + why + "); requests are answered 503 until it is back");
      }
    }
  }

  void close() {
    vertx.cancelTimer(timer);
  }
}
