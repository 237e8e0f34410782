package io.trainyard.notifications;

import io.trainyard.store.Database;
import io.trainyard.testing.SharedPostgres;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Any node may send any delivery, so every node must open what another sealed: nodes of a cluster
 * share a key (configured, or else made once in the database); a node alone keeps its own file.
 */
class SecretBoxTest {
  private static final Vertx VERTX = Vertx.vertx();
  private static Database db;

  @TempDir
  Path dir;

  @BeforeAll
  static void start() {
    db = Database.open(VERTX, new JsonObject().put("url", SharedPostgres.newDatabase()), Path.of("target")).await();
  }

  @AfterAll
  static void stop() {
    db.close(VERTX).await();
    VERTX.close().await();
  }

  private static java.util.function.Supplier<Future<SecretBox>> local(Path file) {
    return () -> {
      try {
        return Future.succeededFuture(SecretBox.at(file));
      } catch (java.io.IOException e) {
        return Future.failedFuture(e);
      }
    };
  }

  @Test
  void nodesOfAClusterOpenWhatAnotherSealedThroughTheDatabasesSharedKey() throws Exception {
    SecretBox nodeA = SecretBox.resolve(new JsonObject(), true, db.pool(), local(dir.resolve("a.key"))).await();
    SecretBox nodeB = SecretBox.resolve(new JsonObject(), true, db.pool(), local(dir.resolve("b.key"))).await();
    assertEquals("whsec_shared", nodeB.open(nodeA.seal("whsec_shared")));
    assertFalse(Files.exists(dir.resolve("a.key")), "a clustered node makes no key file of its own");
    // Their own files differ: that is why a cluster cannot use them.
    SecretBox fileA = SecretBox.at(dir.resolve("a.key"));
    SecretBox fileB = SecretBox.at(dir.resolve("b.key"));
    assertThrows(IllegalStateException.class, () -> fileB.open(fileA.seal("x")));
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("a.key"))));
  }

  @Test
  void aConfiguredKeyIsUsedOnEveryNodeAndAMalformedOneStopsTheStart() throws Exception {
    byte[] key = new byte[32];
    key[0] = 7;
    JsonObject conf = new JsonObject().put("key", Base64.getEncoder().encodeToString(key));
    SecretBox one = SecretBox.resolve(conf, true, db.pool(), local(dir.resolve("c.key"))).await();
    SecretBox two = SecretBox.resolve(conf, false, db.pool(), local(dir.resolve("d.key"))).await();
    assertEquals("s", two.open(one.seal("s")));
    Future<SecretBox> bad = SecretBox.resolve(new JsonObject().put("key", "c2hvcnQ="), true, db.pool(),
        () -> Future.succeededFuture(one));
    assertTrue(bad.failed() && bad.cause().getMessage().contains("32 bytes"), String.valueOf(bad.cause()));
  }
}
