package io.trainyard.cli;

/** No stored credentials: the user has to run {@code login} first, which is a usage mistake (exit 2). */
final class NotSignedIn extends RuntimeException {
  NotSignedIn(String message) {
    super(message);
  }
}
