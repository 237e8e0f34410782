package io.trainyard.supervisor;

import java.io.IOException;
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

  /**
   * Live (non-zombie) members of a process group. Runs on every job exit, so it reads each
   * {@code /proc/<pid>/stat} into one reused buffer and parses only the two fields it needs, instead
   * of building strings and paths per process.
   */
  public static List<Long> members(long pgid) {
    List<Long> out = new ArrayList<>();
    String[] entries = PROC.toFile().list();
    if (entries == null) {
      throw new java.io.UncheckedIOException(new IOException("cannot list /proc"));
    }
    java.nio.ByteBuffer buf = java.nio.ByteBuffer.allocate(1024);
    for (String name : entries) {
      if (name.isEmpty() || !Character.isDigit(name.charAt(0))) {
        continue;
      }
      buf.clear();
      try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(PROC.resolve(name).resolve("stat"))) {
        ch.read(buf);
      } catch (IOException | RuntimeException e) {
        continue; // the process ended meanwhile
      }
      if (groupOf(buf.array(), buf.position()) == pgid) {
        out.add(Long.parseLong(name));
      }
    }
    return out;
  }

  /**
   * Waits (briefly: a fork and an exec) until {@code pid} leads its own process group, or is gone.
   * A job's pid is reported by its keeper right after the fork, before the child's setsid(); a group
   * signal sent in between would find no group and be lost. Blocking; true when it leads its group.
   */
  public static boolean awaitLeader(long pid, long timeoutMs) throws InterruptedException {
    long deadline = System.nanoTime() + timeoutMs * 1_000_000L;
    while (System.nanoTime() < deadline) {
      String[] f = stat(pid);
      if (f == null || f.length < 3 || "Z".equals(f[0]) || "X".equals(f[0])) {
        return false; // gone already (a program that ends at once): nothing left to signal
      }
      if (Long.parseLong(f[2]) == pid) {
        return true;
      }
      Thread.sleep(0, 200_000);
    }
    return false;
  }

  /**
   * The process group from the bytes of a stat file, or -1 for a zombie, a dead process or an
   * unreadable line. Fields after the command name (which may hold spaces and ')'): state, ppid, pgrp.
   */
  static long groupOf(byte[] stat, int length) {
    int close = -1;
    for (int i = length - 1; i >= 0; i--) {
      if (stat[i] == ')') {
        close = i;
        break;
      }
    }
    if (close < 0 || close + 2 >= length) {
      return -1;
    }
    byte state = stat[close + 2];
    if (state == 'Z' || state == 'X') {
      return -1;
    }
    int field = 0;
    long value = 0;
    boolean inNumber = false;
    for (int i = close + 3; i < length; i++) {
      byte c = stat[i];
      if (c == ' ') {
        if (inNumber && ++field == 2) {
          return value;
        }
        inNumber = false;
        value = 0;
      } else if (c >= '0' && c <= '9') {
        inNumber = true;
        value = value * 10 + (c - '0');
      } else if (c != '-') {
        return -1;
      }
    }
    return -1;
  }

  /**
   * Sends a signal ("TERM", "KILL") to every process of the group at once: kill(2) on the group
   * through libc, or {@code kill -- -pgid} where libc is not reachable.
   */
  public static void signal(long pgid, String signal) {
    if (pgid <= 1) {
      throw new IllegalArgumentException("refusing to signal process group " + pgid);
    }
    if (Posix.available()) {
      Posix.killGroup(pgid, Posix.signalNumber(signal));
      return;
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
   * True when the group has no live (non-zombie) member. Asked on every job exit: kill(pgid, 0)
   * answers "none at all" in one system call, and only a group that still has some process (maybe
   * only a zombie not yet reaped) is looked up in /proc.
   */
  public static boolean isEmpty(long pgid) {
    if (Posix.available() && !Posix.killGroup(pgid, 0)) {
      return true;
    }
    return members(pgid).isEmpty();
  }

  /**
   * Waits until the group has no live member; after {@code graceMs} it is SIGKILLed. Returns true
   * if it had to kill.
   */
  public static boolean awaitEmpty(long pgid, long graceMs) throws InterruptedException {
    long deadline = System.nanoTime() + graceMs * 1_000_000L;
    boolean killed = false;
    while (!isEmpty(pgid)) {
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
