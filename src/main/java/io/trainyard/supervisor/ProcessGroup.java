package io.trainyard.supervisor;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

/**
 * Linux process facts from {@code /proc} and process-group signals. A job process is identified by
 * pid plus start time (clock ticks since boot), so a pid reused by an unrelated process is never
 * mistaken for the job. All methods block briefly: call them off the event loop.
 */
public final class ProcessGroup {
  private static final Path PROC = Path.of("/proc");

  private ProcessGroup() {
  }

  /** Fields of /proc/<pid>/stat after the command name, which may itself contain spaces and ')'. */
  private static String[] stat(long pid) {
    try {
      String s = Files.readString(PROC.resolve(Long.toString(pid)).resolve("stat"));
      int close = s.lastIndexOf(')');
      return close < 0 ? null : s.substring(close + 2).trim().split(" ");
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  /** Start time of a live (non-zombie) process. */
  public static OptionalLong startTicks(long pid) {
    String[] f = stat(pid);
    if (f == null || f.length < 20 || "Z".equals(f[0]) || "X".equals(f[0])) {
      return OptionalLong.empty();
    }
    return OptionalLong.of(Long.parseLong(f[19]));
  }

  /** True when {@code pid} is alive and is the very process that started at {@code ticks}. */
  public static boolean isSame(long pid, Long ticks) {
    OptionalLong now = startTicks(pid);
    return now.isPresent() && ticks != null && now.getAsLong() == ticks;
  }

  /** Live (non-zombie) members of a process group. */
  public static List<Long> members(long pgid) {
    List<Long> out = new ArrayList<>();
    try (DirectoryStream<Path> dirs = Files.newDirectoryStream(PROC, p -> p.getFileName().toString().chars().allMatch(Character::isDigit))) {
      for (Path dir : dirs) {
        long pid = Long.parseLong(dir.getFileName().toString());
        String[] f = stat(pid);
        if (f != null && f.length > 2 && !"Z".equals(f[0]) && !"X".equals(f[0]) && Long.parseLong(f[2]) == pgid) {
          out.add(pid);
        }
      }
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    return out;
  }

  /** Sends a signal ("TERM", "KILL") to every process of the group at once. */
  public static void signal(long pgid, String signal) {
    if (pgid <= 1) {
      throw new IllegalArgumentException("refusing to signal process group " + pgid);
    }
    try {
      Process kill = new ProcessBuilder("kill", "-s", signal, "--", "-" + pgid)
          .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
      kill.waitFor();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * Waits until the group has no live member; after {@code graceMs} it is SIGKILLed. Returns true
   * if it had to kill.
   */
  public static boolean awaitEmpty(long pgid, long graceMs) throws InterruptedException {
    long deadline = System.nanoTime() + graceMs * 1_000_000L;
    boolean killed = false;
    while (!members(pgid).isEmpty()) {
      if (!killed && System.nanoTime() >= deadline) {
        signal(pgid, "KILL");
        killed = true;
        deadline = System.nanoTime() + 10_000_000_000L;
      } else if (killed && System.nanoTime() >= deadline) {
        break; // unkillable (D state); don't hang the supervisor forever
      }
      Thread.sleep(20);
    }
    return killed;
  }
}
