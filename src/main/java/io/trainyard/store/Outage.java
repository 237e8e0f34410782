package io.trainyard.store;

import io.vertx.pgclient.PgException;

import java.util.Set;

/**
 * Tells a database that cannot be reached (refused or dropped connections, a pool that gives none
 * in time, a server shutting down or starting up) from a statement that failed on its merits. The
 * first is an outage: HTTP answers it 503 with Retry-After, and writes that must not be lost are
 * tried again until PostgreSQL is back.
 */
public final class Outage {
  /** SQLSTATEs of a server going away or not taking connections (classes 08 and 57P, too many connections). */
  private static final Set<String> STATES = Set.of("57P01", "57P02", "57P03", "53300");

  private Outage() {
  }

  public static boolean is(Throwable err) {
    int depth = 0;
    for (Throwable t = err; t != null && depth < 10; t = t.getCause(), depth++) {
      if (t instanceof java.net.ConnectException || t instanceof java.net.NoRouteToHostException
          || t instanceof io.vertx.sqlclient.ClosedConnectionException
          || t instanceof java.nio.channels.ClosedChannelException
          || t instanceof java.util.concurrent.TimeoutException
          || t instanceof io.netty.channel.ConnectTimeoutException) {
        return true;
      }
      if (t instanceof PgException pg && pg.getSqlState() != null
          && (pg.getSqlState().startsWith("08") || STATES.contains(pg.getSqlState()))) {
        return true;
      }
      if (t instanceof java.io.IOException io && io.getMessage() != null
          && (io.getMessage().contains("Connection reset") || io.getMessage().contains("Broken pipe"))) {
        return true;
      }
      String name = t.getClass().getSimpleName();
      // Vert.x's pool reports a connection it could not hand out in time with its own timeout type.
      if (name.contains("TimeoutException")) {
        return true;
      }
    }
    return false;
  }
}
