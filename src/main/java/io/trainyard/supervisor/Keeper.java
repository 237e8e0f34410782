package io.trainyard.supervisor;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;

/**
 * The per-job keeper ({@code keeper.sh}, a few lines of POSIX sh shipped in the jar): the process that
 * outlives the server. It starts the job's program in a session of its own, tells the server the
 * program's pid, waits for it and writes its exit status into the job's directory (temp file, fsync,
 * rename). A new server cannot wait on processes it did not start, so this file is how it learns how
 * a job ended while no server ran, or after it was re-adopted.
 */
public final class Keeper {
  /** In the job's directory: the program's exit status, one decimal line, complete or absent. */
  public static final String STATUS_FILE = ".exit_status";
  private static final String RESOURCE = "/supervisor/keeper.sh";
  private final Path script;
  /**
   * What restores SIGINT and SIGQUIT for the program ({@code env --default-signal}, GNU coreutils 8.31+),
   * or nothing: sh starts a background command with them ignored, and a program would inherit that.
   */
  private final List<String> defaultSignals;

  private Keeper(Path script, List<String> defaultSignals) {
    this.script = script;
    this.defaultSignals = defaultSignals;
  }

  /**
   * Writes the script to {@code <data>/bin/keeper.sh} (rewritten when this version's differs, through
   * a rename, so a keeper still reading an old copy is not disturbed). Blocking.
   */
  public static Keeper install(Path dataDir) throws IOException {
    byte[] text;
    try (InputStream in = Keeper.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IOException("missing resource " + RESOURCE);
      }
      text = in.readAllBytes();
    }
    Path bin = dataDir.resolve("bin");
    Files.createDirectories(bin);
    Path script = bin.resolve("keeper.sh");
    if (!Files.isRegularFile(script) || !java.util.Arrays.equals(Files.readAllBytes(script), text)) {
      Path tmp = Files.createTempFile(bin, "keeper", ".tmp");
      Files.write(tmp, text);
      Files.move(tmp, script, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
          java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }
    return new Keeper(script, canRestoreSignals() ? List.of("env", "--default-signal=INT,QUIT") : List.of());
  }

  private static boolean canRestoreSignals() {
    try {
      Process p = new ProcessBuilder("env", "--default-signal=INT", "true").redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
      return p.waitFor() == 0;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** The keeper's argument list around a program's: started in a new session, so a server's terminal never reaches it. */
  List<String> wrap(Path jobDir, List<String> program) {
    List<String> out = new ArrayList<>(program.size() + 4);
    out.add("setsid");
    out.add("/bin/sh");
    out.add(script.toString());
    out.add(jobDir.toString());
    out.addAll(defaultSignals); // execs the program in place: its pid stays the one the keeper reports
    out.addAll(program);
    return out;
  }

  /**
   * The program's pid, the one line a keeper writes to its stdout, once the program leads its own
   * process group (so a cancel sent from now on reaches it). Blocking (a fork and an exec or two).
   */
  static long programPid(Process keeper) throws IOException {
    long pid;
    try (BufferedReader r = new BufferedReader(new InputStreamReader(keeper.getInputStream(), StandardCharsets.US_ASCII))) {
      String line = r.readLine();
      if (line == null || !line.strip().matches("[0-9]+")) {
        throw new IOException("the job keeper did not start the program (it said " + line + ")");
      }
      pid = Long.parseLong(line.strip());
    }
    try {
      ProcessGroup.awaitLeader(pid, 5000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return pid;
  }

  /** The exit status a keeper recorded in a job's directory ({@code null}: none yet), if it did. Blocking. */
  public static OptionalInt recordedStatus(String jobDir) {
    if (jobDir == null) {
      return OptionalInt.empty();
    }
    try {
      String s = Files.readString(Path.of(jobDir).resolve(STATUS_FILE)).strip();
      return s.matches("-?[0-9]{1,4}") ? OptionalInt.of(Integer.parseInt(s)) : OptionalInt.empty();
    } catch (IOException | RuntimeException e) {
      return OptionalInt.empty();
    }
  }
}
