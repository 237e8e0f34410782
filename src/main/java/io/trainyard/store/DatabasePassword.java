package io.trainyard.store;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * The embedded PostgreSQL's superuser password: random, made once, kept in the data directory in a
 * file only the server's OS user may read (created with mode 600, never widened).
 */
record DatabasePassword(Path file, String value, boolean created) {
  static final String FILE = "db_password";

  static DatabasePassword load(Path file) throws IOException {
    if (Files.exists(file)) {
      Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
      return new DatabasePassword(file, Files.readString(file, StandardCharsets.UTF_8).trim(), false);
    }
    byte[] b = new byte[24];
    new SecureRandom().nextBytes(b);
    String value = Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    try {
      // Created with its mode: there is no moment at which another user could read it.
      Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    } catch (FileAlreadyExistsException e) {
      return load(file);
    }
    Files.writeString(file, value + "\n", StandardCharsets.UTF_8);
    return new DatabasePassword(file, value, true);
  }
}
