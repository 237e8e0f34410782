package io.trainyard.auth;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.Optional;

/**
 * Session tokens "<id>.<secret>". The secret has 256 random bits, so a salted SHA-256 is enough to
 * make a stolen table useless while keeping each request's check to one indexed lookup.
 */
public final class TokenRepository {
  private static final SecureRandom RANDOM = new SecureRandom();
  private final Pool pool;
  private final long ttlHours;
  /** When expired tokens were last removed (ms); they are removed at most once a minute, on sign-in. */
  private final java.util.concurrent.atomic.AtomicLong lastPrune = new java.util.concurrent.atomic.AtomicLong();

  public TokenRepository(Pool pool, long ttlHours) {
    this.pool = pool;
    this.ttlHours = ttlHours;
  }

  /** Issues a token for the user and returns its clear text (shown once). */
  public Future<String> issue(long userId) {
    String id = random(12);
    String secret = random(32);
    byte[] salt = new byte[16];
    RANDOM.nextBytes(salt);
    OffsetDateTime expires = OffsetDateTime.now(ZoneOffset.UTC).plusHours(ttlHours);
    return pool.preparedQuery("INSERT INTO tokens(id, user_id, salt, secret_hash, expires_at) VALUES ($1,$2,$3,$4,$5)")
        .execute(Tuple.of(id, userId, Buffer.buffer(salt), Buffer.buffer(hash(salt, secret)), expires))
        .compose(v -> pruneExpired(userId).otherwiseEmpty())
        .map(v -> id + "." + secret);
  }

  /**
   * Removes expired tokens, which never authenticate but would pile up forever: the signing-in user's
   * at every sign-in (an indexed delete), everyone's at most once a minute.
   */
  private Future<Void> pruneExpired(long userId) {
    Future<Void> own = pool.preparedQuery("DELETE FROM tokens WHERE user_id = $1 AND expires_at <= now()")
        .execute(Tuple.of(userId)).mapEmpty();
    long now = System.currentTimeMillis();
    long last = lastPrune.get();
    if (now - last < 60_000 || !lastPrune.compareAndSet(last, now)) {
      return own;
    }
    return own.compose(v -> pool.query("DELETE FROM tokens WHERE expires_at <= now()").execute().mapEmpty());
  }

  /** The user a valid, unexpired token belongs to. */
  public Future<Optional<User>> authenticate(String token) {
    int dot = token == null ? -1 : token.indexOf('.');
    if (dot <= 0 || dot == token.length() - 1 || token.length() > 200) {
      return Future.succeededFuture(Optional.empty());
    }
    String id = token.substring(0, dot);
    String secret = token.substring(dot + 1);
    return pool.preparedQuery("""
            SELECT t.salt, t.secret_hash, u.id, u.username, u.is_admin, u.schedule_mode, u.created_at
            FROM tokens t JOIN users u ON u.id = t.user_id
            WHERE t.id = $1 AND t.expires_at > now()""")
        .execute(Tuple.of(id))
        .map(rows -> {
          if (rows.size() == 0) {
            return Optional.empty();
          }
          Row row = rows.iterator().next();
          byte[] expected = row.getBuffer("secret_hash").getBytes();
          byte[] actual = hash(row.getBuffer("salt").getBytes(), secret);
          return MessageDigest.isEqual(expected, actual) ? Optional.of(User.from(row)) : Optional.empty();
        });
  }

  /** Revokes the token (logout). Unknown tokens are ignored. */
  public Future<Void> revoke(String token) {
    int dot = token == null ? -1 : token.indexOf('.');
    if (dot <= 0) {
      return Future.succeededFuture();
    }
    return pool.preparedQuery("DELETE FROM tokens WHERE id = $1").execute(Tuple.of(token.substring(0, dot))).mapEmpty();
  }

  /**
   * Revokes every session of a user after a password change, except {@code keepToken} (the session
   * that made the change, when users change their own password).
   */
  public Future<Void> revokeAllExcept(long userId, String keepToken) {
    int dot = keepToken == null ? -1 : keepToken.indexOf('.');
    String keepId = dot > 0 ? keepToken.substring(0, dot) : "";
    return pool.preparedQuery("DELETE FROM tokens WHERE user_id = $1 AND id <> $2")
        .execute(Tuple.of(userId, keepId)).mapEmpty();
  }

  private static String random(int bytes) {
    byte[] b = new byte[bytes];
    RANDOM.nextBytes(b);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
  }

  private static byte[] hash(byte[] salt, String secret) {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      md.update(salt);
      return md.digest(secret.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
