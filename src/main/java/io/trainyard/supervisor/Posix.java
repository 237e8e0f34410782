package io.trainyard.supervisor;

import com.sun.jna.LastErrorException;
import com.sun.jna.Library;
import com.sun.jna.Native;

import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * kill(2) from libc, through JNA. Java can signal one process but not a process group, and cannot ask
 * whether a group still has members; without this, every cancel forks kill(1) and every exit scans
 * all of /proc. Where libc cannot be loaded, callers fall back to exactly that.
 */
final class Posix {
  private static final Logger LOG = Logger.getLogger(Posix.class.getName());
  private static final int ESRCH = 3;
  private static final int EPERM = 1;

  /** The one libc function used. */
  interface LibC extends Library {
    int kill(int pid, int sig) throws LastErrorException;
  }

  private static final Optional<LibC> LIBC = load();

  private Posix() {
  }

  private static Optional<LibC> load() {
    try {
      return Optional.of(Native.load("c", LibC.class));
    } catch (Throwable e) { // UnsatisfiedLinkError, no writable temp dir for the native stub, ...
      LOG.log(Level.WARNING, "libc not loadable through JNA; signalling process groups through kill(1)", e);
      return Optional.empty();
    }
  }

  static boolean available() {
    return LIBC.isPresent();
  }

  /**
   * Sends {@code signal} (0 only checks) to the process group {@code pgid}. True if the group has at
   * least one process (zombies included), false if none: ESRCH. A group holding a process this user
   * may not signal still exists (EPERM).
   */
  static boolean killGroup(long pgid, int signal) {
    if (pgid <= 1) {
      throw new IllegalArgumentException("refusing to signal process group " + pgid);
    }
    try {
      LIBC.orElseThrow().kill((int) -pgid, signal);
      return true;
    } catch (LastErrorException e) {
      if (e.getErrorCode() == ESRCH) {
        return false;
      }
      if (e.getErrorCode() == EPERM) {
        return true;
      }
      throw e;
    }
  }

  static int signalNumber(String name) {
    return switch (name) {
      case "TERM" -> 15;
      case "KILL" -> 9;
      case "INT" -> 2;
      default -> throw new IllegalArgumentException("unknown signal " + name);
    };
  }
}
