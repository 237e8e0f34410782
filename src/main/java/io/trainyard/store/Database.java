package io.trainyard.store;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;

import java.nio.file.Path;
import java.util.logging.Logger;

/** The pool every repository uses, on the embedded PostgreSQL or the configured one. */
public final class Database {
  private static final Logger LOG = Logger.getLogger(Database.class.getName());

  private final Pool pool;
  private final EmbeddedDatabase embedded;
  private final Pool probePool;
  private final Reachability reachability;

  private Database(Vertx vertx, Pool pool, EmbeddedDatabase embedded, Pool probePool) {
    this.pool = pool;
    this.embedded = embedded;
    this.probePool = probePool;
    this.reachability = new Reachability(vertx, probePool, 1000, 3000);
  }

  public Pool pool() {
    return pool;
  }

  /** Whether PostgreSQL answers right now (see {@link Reachability}). */
  public Reachability reachability() {
    return reachability;
  }

  /** Starts the embedded PostgreSQL when {@code db.url} is empty, connects, and migrates. */
  public static Future<Database> open(Vertx vertx, JsonObject dbConf, Path dataDir) {
    String url = dbConf.getString("url", "");
    Future<EmbeddedDatabase> embedded = url == null || url.isBlank()
        ? vertx.executeBlocking(() -> EmbeddedDatabase.start(dataDir.resolve("pg")), false)
        : Future.succeededFuture(null);
    return embedded.compose(emb -> {
      String effective = emb != null ? emb.url() : url;
      PgConnectOptions connect = PgConnectOptions.fromUri(effective).setCachePreparedStatements(true)
          .setPipeliningLimit(16);
      // Statements stay prepared (parsed once), but are planned for their actual arguments on every
      // call. A generic plan is made once per connection from the statistics of that moment: one made
      // while the jobs table was nearly empty (a fresh install, the first minute of a burst) scans the
      // whole table and stays until autovacuum's next ANALYZE, which made 1,000-job batches 5x slower.
      // db.plan_cache_mode: "" leaves the server's setting (e.g. behind a pooler that refuses it).
      String planCacheMode = dbConf.getString("plan_cache_mode", "force_custom_plan");
      if (planCacheMode != null && !planCacheMode.isBlank()) {
        connect.addProperty("plan_cache_mode", planCacheMode);
      }
      Pool pool = PgBuilder.pool()
          .with(new PoolOptions().setMaxSize(dbConf.getInteger("pool_size", 8)).setShared(false))
          .connectingTo(connect)
          .using(vertx)
          .build();
      // One connection of its own for the reachability probe; a dead one is replaced on the next probe.
      Pool probe = PgBuilder.pool().with(new PoolOptions().setMaxSize(1).setShared(false).setName("trainyard-reachability"))
          .connectingTo(new PgConnectOptions(connect)).using(vertx).build();
      Database db = new Database(vertx, pool, emb, probe);
      return Migrations.run(pool)
          .onSuccess(n -> {
            if (n > 0) {
              LOG.info("applied " + n + " database migration(s)");
            }
          })
          .map(db)
          .recover(err -> db.close(vertx).transform(x -> Future.failedFuture(err)));
    });
  }

  public Future<Void> close(Vertx vertx) {
    reachability.close();
    return probePool.close().transform(x -> pool.close()).transform(x -> embedded == null
        ? Future.succeededFuture()
        : vertx.executeBlocking(() -> {
          embedded.close();
          return null;
        }, false));
  }
}
