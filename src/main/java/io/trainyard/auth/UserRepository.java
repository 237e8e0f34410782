package io.trainyard.auth;

import io.vertx.core.Future;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The users table. */
public final class UserRepository {
  private static final String COLS = "id, username, is_admin, schedule_mode, created_at";
  private final Pool pool;

  public UserRepository(Pool pool) {
    this.pool = pool;
  }

  /** Inserts a user; an existing username fails with {@link DuplicateUserException}. */
  public Future<User> create(String username, String passwordHash, boolean admin, String mode) {
    return pool.preparedQuery("INSERT INTO users(username, password_hash, is_admin, schedule_mode) VALUES ($1,$2,$3,$4) RETURNING " + COLS)
        .execute(Tuple.of(username, passwordHash, admin, mode))
        .map(rows -> User.from(rows.iterator().next()))
        .recover(err -> err instanceof PgException pg && "23505".equals(pg.getSqlState())
            ? Future.failedFuture(new DuplicateUserException(username))
            : Future.failedFuture(err));
  }

  public Future<Optional<User>> byId(long id) {
    return pool.preparedQuery("SELECT " + COLS + " FROM users WHERE id = $1").execute(Tuple.of(id)).map(UserRepository::first);
  }

  /** The user and their stored password hash, for login. */
  public Future<Optional<Row>> credentials(String username) {
    return pool.preparedQuery("SELECT " + COLS + ", password_hash FROM users WHERE username = $1")
        .execute(Tuple.of(username))
        .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(rows.iterator().next()));
  }

  public Future<List<User>> list() {
    return pool.query("SELECT " + COLS + " FROM users ORDER BY id").execute().map(rows -> {
      List<User> out = new ArrayList<>();
      rows.forEach(r -> out.add(User.from(r)));
      return out;
    });
  }

  public Future<Long> count() {
    return pool.query("SELECT count(*) FROM users").execute().map(rows -> rows.iterator().next().getLong(0));
  }

  /** Applies the given changes (null = keep) and returns the updated user. */
  public Future<Optional<User>> update(long id, String mode, String passwordHash, Boolean admin) {
    return pool.preparedQuery("""
            UPDATE users SET schedule_mode = coalesce($2, schedule_mode),
                             password_hash = coalesce($3, password_hash),
                             is_admin = coalesce($4, is_admin)
            WHERE id = $1 RETURNING """ + " " + COLS)
        .execute(Tuple.of(id, mode, passwordHash, admin))
        .map(UserRepository::first);
  }

  static User from(Row row) {
    return User.from(row);
  }

  private static Optional<User> first(RowSet<Row> rows) {
    return rows.size() == 0 ? Optional.empty() : Optional.of(User.from(rows.iterator().next()));
  }

  /** A username that is taken. */
  public static final class DuplicateUserException extends RuntimeException {
    public DuplicateUserException(String username) {
      super("username already exists: " + username, null, false, false);
    }
  }
}
