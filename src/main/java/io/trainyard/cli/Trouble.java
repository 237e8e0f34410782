package io.trainyard.cli;

/**
 * Server or network trouble: a problem+json answer or no answer at all. Thrown from anywhere in a
 * command and turned into exit code 3 with its message on stderr by {@link TrainyardCli}.
 */
final class Trouble extends RuntimeException {
  Trouble(String message) {
    super(message);
  }

  Trouble(String message, Throwable cause) {
    super(message, cause);
  }
}
