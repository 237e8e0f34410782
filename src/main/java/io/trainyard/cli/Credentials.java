package io.trainyard.cli;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;

/**
 * Where {@code login} keeps the server URL and bearer token: {@code $XDG_CONFIG_HOME/trainyard/credentials}
 * (else {@code ~/.config/...}), readable by the owner only because the token is as good as a password.
 */
record Credentials(String url, String token) {

  static Path file(Map<String, String> env) {
    String xdg = env.get("XDG_CONFIG_HOME");
    Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".config");
    return base.resolve("trainyard").resolve("credentials");
  }

  /**
   * The stored credentials; TRAINYARD_URL / TRAINYARD_TOKEN override them (CI without a login step).
   * A stored token is only ever sent to the server it was issued by: with another TRAINYARD_URL and
   * no TRAINYARD_TOKEN, the caller is not signed in there.
   */
  static Credentials load(Map<String, String> env) {
    String url = env.get("TRAINYARD_URL");
    String token = env.get("TRAINYARD_TOKEN");
    Path file = file(env);
    if ((url == null || token == null) && Files.isRegularFile(file)) {
      try {
        JsonObject stored = new JsonObject(Files.readString(file));
        boolean sameServer = url == null || url.equals(stored.getString("url"));
        url = url != null ? url : stored.getString("url");
        token = token != null ? token : sameServer ? stored.getString("token") : null;
      } catch (IOException | DecodeException e) {
        throw new NotSignedIn("cannot read " + file + " (" + e.getMessage() + "): run 'trainyard login' again");
      }
    }
    if (url == null || token == null) {
      throw new NotSignedIn("not signed in: run 'trainyard login --url URL --user NAME' first");
    }
    return new Credentials(url, token);
  }

  /** Writes the file with mode 600 from the start (created so, then moved), never briefly world-readable. */
  void save(Map<String, String> env) {
    Path file = file(env);
    try {
      Files.createDirectories(file.getParent(),
          PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
      Path tmp = file.resolveSibling("credentials.tmp");
      Files.deleteIfExists(tmp);
      try {
        Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      } catch (FileAlreadyExistsException e) {
        throw new UncheckedIOException(e);
      }
      Files.writeString(tmp, new JsonObject().put("url", url).put("token", token).encodePrettily() + "\n");
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
  }
}
