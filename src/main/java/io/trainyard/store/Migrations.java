package io.trainyard.store;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Applies the versioned SQL files of {@code db/migration/} in order, once each, under an advisory
 * lock so that nodes starting together against one shared PostgreSQL don't race.
 */
public final class Migrations {
  /** In order; a file once released is never edited, a change is a new file. */
  static final List<String> FILES = List.of("V001__schema.sql", "V002__management.sql", "V003__cloud.sql",
      "V004__ledger.sql", "V005__queue_heads.sql", "V007__cloud_forgotten.sql", "V008__cluster_nodes.sql",
      "V009__job_center.sql", "V010__notifications.sql", "V011__resources_retries.sql", "V012__history_retries.sql",
      "V013__node_inventory.sql", "V014__notification_key.sql");
  private static final long LOCK_KEY = 0x7472_6169_6e79_6172L; // "trainyar"

  private Migrations() {
  }

  public static Future<Integer> run(Pool pool) {
    return pool.withTransaction(conn -> conn.query("SET LOCAL client_min_messages = warning").execute()
        .compose(x -> conn.query("""
            CREATE TABLE IF NOT EXISTS schema_migrations (
              version TEXT PRIMARY KEY,
              applied_at TIMESTAMPTZ NOT NULL DEFAULT now())""").execute())
        .compose(v -> conn.preparedQuery("SELECT pg_advisory_xact_lock($1)").execute(Tuple.of(LOCK_KEY)))
        .compose(v -> conn.query("SELECT version FROM schema_migrations").execute())
        .compose(rows -> {
          Set<String> done = rows.stream().map(r -> r.getString(0)).collect(Collectors.toSet());
          Future<Integer> chain = Future.succeededFuture(0);
          for (String file : FILES) {
            if (done.contains(file)) {
              continue;
            }
            String sql = read(file);
            chain = chain.compose(n -> conn.query(sql).execute()
                .compose(v -> conn.preparedQuery("INSERT INTO schema_migrations(version) VALUES ($1)")
                    .execute(Tuple.of(file)))
                .map(v -> n + 1));
          }
          return chain;
        }));
  }

  private static String read(String file) {
    try (InputStream in = Migrations.class.getResourceAsStream("/db/migration/" + file)) {
      if (in == null) {
        throw new IllegalStateException("missing migration " + file);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
