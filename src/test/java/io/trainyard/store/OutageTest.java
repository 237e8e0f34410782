package io.trainyard.store;

import io.trainyard.testing.SharedPostgres;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.net.ServerSocket;
import java.nio.file.Files;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What counts as "PostgreSQL cannot be reached" (503, retried) and what is a statement's own failure. */
class OutageTest {
  private static final Vertx VERTX = Vertx.vertx();

  @AfterAll
  static void stop() {
    VERTX.close().await();
  }

  @Test
  void aRefusedConnectionIsAnOutageAndABadStatementIsNot() throws Exception {
    int closedPort;
    try (ServerSocket s = new ServerSocket(0)) {
      closedPort = s.getLocalPort(); // free again once closed: nothing listens there
    }
    Pool nowhere = PgBuilder.pool().with(new PoolOptions().setMaxSize(1))
        .connectingTo(new PgConnectOptions().setHost("127.0.0.1").setPort(closedPort).setUser("x").setDatabase("x"))
        .using(VERTX).build();
    Throwable refused = nowhere.query("SELECT 1").execute().transform(ar -> io.vertx.core.Future.succeededFuture(ar.cause()))
        .await();
    assertTrue(Outage.is(refused), String.valueOf(refused));
    nowhere.close().await();

    Database db = Database.open(VERTX, new JsonObject().put("url", SharedPostgres.newDatabase()),
        Files.createTempDirectory("outage-test")).await();
    try {
      Throwable syntax = db.pool().query("SELEKT 1").execute().transform(ar -> io.vertx.core.Future.succeededFuture(ar.cause()))
          .await();
      assertFalse(Outage.is(syntax), String.valueOf(syntax));
      Throwable division = db.pool().query("SELECT 1/0").execute().transform(ar -> io.vertx.core.Future.succeededFuture(ar.cause()))
          .await();
      assertFalse(Outage.is(division), String.valueOf(division));
      assertTrue(db.reachability().reachable(), "the probe finds a live database reachable");
    } finally {
      db.close(VERTX).await();
    }
  }
}
