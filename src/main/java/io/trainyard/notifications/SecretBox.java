package io.trainyard.notifications;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;

import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * Seals endpoint signing secrets with AES-GCM under a key kept in the data directory (mode 600).
 * A signing secret must be usable in clear to sign, so it cannot be hashed like a password; sealing
 * it means a copy of the database alone (a backup, a replica) does not let anyone forge deliveries.
 */
public final class SecretBox {
  private static final SecureRandom RANDOM = new SecureRandom();
  private final SecretKeySpec key;

  private SecretBox(byte[] key) {
    this.key = new SecretKeySpec(key, "AES");
  }

  /** The box whose key is {@code file}, made (32 random bytes, owner-only) when it does not exist yet. */
  /**
   * The box this node seals and opens with: {@code notifications.key} (base64 of 32 bytes) when
   * configured; else, in a cluster, the key every node shares through the database (made once);
   * else {@code local}, the data directory's own (read or made only then). Any node may send any delivery, so nodes must agree.
   */
  public static Future<SecretBox> resolve(JsonObject conf, boolean clustered, Pool pool,
                                         java.util.function.Supplier<Future<SecretBox>> local) {
    String configured = conf.getString("key", "");
    if (configured != null && !configured.isBlank()) {
      byte[] key;
      try {
        key = Base64.getDecoder().decode(configured.trim());
      } catch (IllegalArgumentException e) {
        return Future.failedFuture(new IllegalArgumentException("notifications.key is not base64"));
      }
      return key.length == 32 ? Future.succeededFuture(new SecretBox(key))
          : Future.failedFuture(new IllegalArgumentException("notifications.key must be 32 bytes (base64)"));
    }
    if (!clustered) {
      return local.get();
    }
    byte[] fresh = new byte[32];
    RANDOM.nextBytes(fresh);
    // The first node to get here makes the key; everyone reads the one that won.
    return pool.preparedQuery("INSERT INTO notification_key(id, key) VALUES (1, $1) ON CONFLICT (id) DO NOTHING")
        .execute(Tuple.of(io.vertx.core.buffer.Buffer.buffer(fresh)))
        .compose(x -> pool.query("SELECT key FROM notification_key WHERE id = 1").execute())
        .map(rows -> new SecretBox(rows.iterator().next().getBuffer(0).getBytes()));
  }

  public static SecretBox at(Path file) throws IOException {
    if (!Files.exists(file)) {
      byte[] fresh = new byte[32];
      RANDOM.nextBytes(fresh);
      Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
      Files.deleteIfExists(tmp);
      Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      Files.write(tmp, fresh, StandardOpenOption.WRITE);
      try {
        // Another node starting on the same data dir may have won the race: keep the first key.
        Files.move(tmp, file);
      } catch (java.nio.file.FileAlreadyExistsException e) {
        Files.deleteIfExists(tmp);
      }
    }
    byte[] key = Files.readAllBytes(file);
    if (key.length != 32) {
      throw new IOException(file + " is not a 32-byte key");
    }
    return new SecretBox(key);
  }

  String seal(String secret) {
    try {
      byte[] iv = new byte[12];
      RANDOM.nextBytes(iv);
      Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
      c.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(128, iv));
      byte[] sealed = c.doFinal(secret.getBytes(StandardCharsets.UTF_8));
      return Base64.getEncoder().encodeToString(iv) + "." + Base64.getEncoder().encodeToString(sealed);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM is not available", e);
    }
  }

  String open(String sealed) {
    int dot = sealed.indexOf('.');
    try {
      Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
      c.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(128, Base64.getDecoder().decode(sealed.substring(0, dot))));
      return new String(c.doFinal(Base64.getDecoder().decode(sealed.substring(dot + 1))), StandardCharsets.UTF_8);
    } catch (GeneralSecurityException | RuntimeException e) {
      throw new IllegalStateException("a notification secret cannot be opened with this data directory's key", e);
    }
  }

  /** A fresh Standard Webhooks secret: {@code whsec_} and 32 random bytes in base64. */
  static String newSecret() {
    byte[] b = new byte[32];
    RANDOM.nextBytes(b);
    return "whsec_" + Base64.getEncoder().encodeToString(b);
  }
}
