package io.trainyard.auth;

import io.trainyard.domain.DomainException;
import io.trainyard.domain.Validation;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.json.JsonObject;

import java.security.SecureRandom;
import java.util.Optional;
import java.util.logging.Logger;
import java.util.regex.Pattern;

/**
 * Sign-in, sessions and user management. Hashing runs on an executor of its own, bounded, so a flood of
 * sign-ins queues there instead of taking the shared worker pool that launches, signals and reads logs.
 */
public final class AuthService {
  private static final Logger LOG = Logger.getLogger(AuthService.class.getName());
  private static final Pattern USERNAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}");
  static final int MIN_PASSWORD = 6;
  private static final int MAX_PASSWORD = 1024;

  private final Vertx vertx;
  private final UserRepository users;
  private final TokenRepository tokens;
  private final PasswordHasher hasher;
  private final WorkerExecutor hashing;
  private final LoginThrottle throttle;
  /** Verified against when a username is unknown, so timing does not reveal which names exist. */
  private final String decoyHash;

  public AuthService(Vertx vertx, UserRepository users, TokenRepository tokens, PasswordHasher hasher,
                     WorkerExecutor hashing, LoginThrottle throttle) {
    this.vertx = vertx;
    this.users = users;
    this.tokens = tokens;
    this.hasher = hasher;
    this.hashing = hashing;
    this.throttle = throttle;
    this.decoyHash = hasher.hash("decoy-" + System.nanoTime());
  }

  public UserRepository users() {
    return users;
  }

  public TokenRepository tokens() {
    return tokens;
  }

  /** Creates {@code admin} on an empty database; prints a generated password once. */
  public Future<Void> bootstrapAdmin(String configuredPassword) {
    return users.count().compose(n -> {
      if (n > 0) {
        return Future.succeededFuture();
      }
      boolean generated = configuredPassword == null || configuredPassword.isBlank();
      String password = generated ? generatePassword() : configuredPassword;
      return hash(password)
          .compose(h -> users.create("admin", h, true, "parallel"))
          .onSuccess(u -> {
            if (generated) {
              String msg = "Created user 'admin' with generated password: " + password
                  + "  (shown once; set TRAINYARD_ADMIN_PASSWORD to choose it)";
              System.out.println(msg);
            } else {
              LOG.info("created user 'admin' with the configured password");
            }
          })
          .recover(err -> err instanceof UserRepository.DuplicateUserException
              ? Future.succeededFuture() // another node bootstrapped it first
              : Future.failedFuture(err))
          .mapEmpty();
    });
  }

  /**
   * Checks the credentials and issues a session token: {token, user}. Repeated failures for the name
   * or from the client address are refused (rate limited, with when to try again) before any hashing.
   */
  public Future<JsonObject> login(JsonObject body, String clientAddress) {
    Object name = body.getValue("username");
    Object pass = body.getValue("password");
    Validation v = new Validation();
    if (!(name instanceof String s) || s.isBlank()) {
      v.add("username", "is required");
    }
    if (!(pass instanceof String p) || p.isEmpty()) {
      v.add("password", "is required");
    }
    v.throwIfInvalid();
    String password = (String) pass;
    String username = (String) name;
    long wait = throttle.retryAfterSeconds(username, clientAddress);
    if (wait > 0) {
      return Future.failedFuture(DomainException.rateLimited("Too many failed sign-ins; try again in " + wait + " s", wait));
    }
    return users.credentials(username).compose(row -> hashing.executeBlocking(() -> {
      boolean ok = hasher.verify(password, row.map(r -> r.getString("password_hash")).orElse(decoyHash));
      return ok && row.isPresent() ? Optional.of(UserRepository.from(row.get())) : Optional.<User>empty();
    }, false)).compose(user -> {
      if (user.isEmpty()) {
        throttle.failed(username, clientAddress);
        return Future.failedFuture(new DomainException(DomainException.Kind.UNAUTHENTICATED, "Invalid username or password"));
      }
      throttle.succeeded(username);
      return tokens.issue(user.get().id())
          .map(token -> new JsonObject().put("token", token).put("user", user.get().toJson()));
    });
  }

  /** Revokes the session token; the user's live channels opened with it close. */
  public Future<Void> logout(User user, String token) {
    return tokens.revoke(token).onSuccess(v -> SessionEvents.changed(vertx.eventBus(), user.id(), "logout"));
  }

  /** Admin: creates a user from {username, password, is_admin?, schedule_mode?}. */
  public Future<User> createUser(JsonObject body) {
    Validation v = new Validation();
    Object name = body.getValue("username");
    if (!(name instanceof String s) || !USERNAME.matcher(s).matches()) {
      v.add("username", "must be 1-64 letters, digits, '.', '_' or '-', starting with a letter or digit");
    }
    checkPassword(v, body.getValue("password"), true);
    Object admin = body.getValue("is_admin");
    if (admin != null && !(admin instanceof Boolean)) {
      v.add("is_admin", "must be a boolean");
    }
    String mode = mode(v, body.getValue("schedule_mode"));
    unknownFields(v, body, "username", "password", "is_admin", "schedule_mode");
    v.throwIfInvalid();
    return hash((String) body.getValue("password"))
        .compose(h -> users.create((String) name, h, Boolean.TRUE.equals(admin), mode == null ? "serial" : mode))
        .recover(err -> err instanceof UserRepository.DuplicateUserException
            ? Future.failedFuture(DomainException.conflict("username already exists"))
            : Future.failedFuture(err));
  }

  /** PATCH: a user may change their own mode and password; is_admin and others' records need admin. */
  public Future<User> updateUser(User caller, String callerToken, long targetId, JsonObject body) {
    boolean self = caller.id() == targetId;
    if (!self && !caller.isAdmin()) {
      return Future.failedFuture(DomainException.notFound("User not found"));
    }
    Validation v = new Validation();
    String mode = mode(v, body.getValue("schedule_mode"));
    Object pass = body.getValue("password");
    if (pass != null) {
      checkPassword(v, pass, true);
    }
    // Changing one's own password proves the old one, so a session left open (or stolen) cannot lock
    // its owner out; an admin resetting someone else's password cannot know it and need not.
    Object current = body.getValue("current_password");
    boolean needsCurrent = pass != null && self;
    if (needsCurrent && !(current instanceof String c && !c.isEmpty() && c.length() <= MAX_PASSWORD)) {
      v.add("current_password", "is required to change your own password");
    } else if (current != null && !needsCurrent) {
      v.add("current_password", "only applies when changing your own password");
    }
    Object admin = body.getValue("is_admin");
    if (admin != null && !(admin instanceof Boolean)) {
      v.add("is_admin", "must be a boolean");
    } else if (admin != null && !caller.isAdmin()) {
      v.add("is_admin", "only an admin may change it");
    } else if (Boolean.FALSE.equals(admin) && self) {
      v.add("is_admin", "an admin cannot remove their own admin rights");
    }
    unknownFields(v, body, "schedule_mode", "password", "is_admin", "current_password");
    if (mode == null && pass == null && admin == null && v.ok()) {
      v.add("body", "nothing to change: give schedule_mode, password or is_admin");
    }
    v.throwIfInvalid();
    Future<Void> proven = needsCurrent ? checkCurrent(caller, (String) current) : Future.succeededFuture();
    Future<String> hashed = proven.compose(x -> pass == null ? Future.succeededFuture(null) : hash((String) pass));
    return hashed.compose(h -> users.update(targetId, mode, h, (Boolean) admin))
        .compose(u -> u.map(Future::succeededFuture).orElseGet(() -> Future.failedFuture(DomainException.notFound("User not found"))))
        // A new password ends every other session of that user (a reset after a compromise must lock
        // the attacker out); the caller's own session survives changing their own password.
        .compose(u -> pass == null ? Future.succeededFuture(u)
            : tokens.revokeAllExcept(targetId, caller.id() == targetId ? callerToken : null).map(u))
        .onSuccess(u -> {
          if (pass != null || admin != null) {
            SessionEvents.changed(vertx.eventBus(), targetId, pass != null ? "password" : "admin");
          }
        });
  }

  /**
   * Proves the caller's current password. Wrong guesses count against the username like failed
   * sign-ins, so a stolen session is no unthrottled oracle for the password.
   */
  private Future<Void> checkCurrent(User caller, String current) {
    String session = "session-of-user-" + caller.id();
    long wait = throttle.retryAfterSeconds(caller.username(), session);
    if (wait > 0) {
      return Future.failedFuture(DomainException.rateLimited("Too many wrong passwords; try again in " + wait + " s", wait));
    }
    return users.credentials(caller.username())
        .compose(row -> hashing.executeBlocking(() -> row.isPresent() && hasher.verify(current, row.get().getString("password_hash")), false))
        .compose(ok -> {
          if (ok) {
            return Future.succeededFuture();
          }
          throttle.failed(caller.username(), session);
          return Future.failedFuture(DomainException.invalid("current_password", "is not your current password"));
        });
  }

  private Future<String> hash(String password) {
    return hashing.executeBlocking(() -> hasher.hash(password), false);
  }

  private static void checkPassword(Validation v, Object pass, boolean required) {
    if (pass == null && !required) {
      return;
    }
    if (!(pass instanceof String p) || p.length() < MIN_PASSWORD || p.length() > MAX_PASSWORD) {
      v.add("password", "must be a string of " + MIN_PASSWORD + " to " + MAX_PASSWORD + " characters");
    }
  }

  private static String mode(Validation v, Object mode) {
    if (mode == null) {
      return null;
    }
    if (!"serial".equals(mode) && !"parallel".equals(mode)) {
      v.add("schedule_mode", "must be \"serial\" or \"parallel\"");
      return null;
    }
    return (String) mode;
  }

  static void unknownFields(Validation v, JsonObject body, String... known) {
    java.util.Set<String> ok = java.util.Set.of(known);
    body.fieldNames().stream().filter(f -> !ok.contains(f)).sorted()
        .forEach(f -> v.add(f, "unknown field"));
  }

  private static String generatePassword() {
    byte[] b = new byte[15];
    new SecureRandom().nextBytes(b);
    return java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(b);
  }
}
