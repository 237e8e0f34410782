package io.trainyard.supervisor;

import io.trainyard.jobs.Job;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Builds and spawns a job's program from its type's configured argument list. User input never
 * becomes part of a command line: params reach the program as environment variables, and only a
 * small allow-list of the server's own environment is passed on (no tokens, no database URL).
 */
public final class Launcher {
  private static final List<String> INHERITED = List.of("PATH", "HOME", "LANG", "LC_ALL", "TZ", "TMPDIR", "JAVA_HOME");

  private final JsonObject types;
  private final Path datasets;
  private final long demoStepMs;
  private final Keeper keeper;

  public Launcher(JsonObject types, Path datasets, long demoStepMs, Keeper keeper) {
    this.types = types;
    this.datasets = datasets;
    this.demoStepMs = demoStepMs;
    this.keeper = keeper;
  }

  /** A started job: its keeper (the server's direct child) and its program, the leader of the job's process group. */
  public record Launched(Process keeper, long pid) {
  }

  /** The argument list for a job type, placeholders filled; fails for a type without a command. */
  List<String> command(String type) {
    JsonObject t = types.getJsonObject(type);
    JsonArray cmd = t == null ? null : t.getJsonArray("command");
    if (cmd == null || cmd.isEmpty()) {
      throw new IllegalStateException("no command configured for job type " + type);
    }
    String java = ProcessHandle.current().info().command().orElse("java");
    String cp = absoluteClassPath(System.getProperty("java.class.path"));
    List<String> out = new ArrayList<>();
    for (Object arg : cmd) {
      out.add(String.valueOf(arg).replace("{java}", java).replace("{classpath}", cp));
    }
    return out;
  }

  /**
   * The class path with every entry made absolute: job programs run in their job directory, where a
   * relative entry (as in {@code java -jar target/trainyard-fat.jar}) would name nothing.
   */
  static String absoluteClassPath(String classPath) {
    StringBuilder out = new StringBuilder();
    for (String entry : classPath.split(File.pathSeparator)) {
      if (entry.isEmpty()) {
        continue;
      }
      if (out.length() > 0) {
        out.append(File.pathSeparatorChar);
      }
      out.append(Path.of(entry).toAbsolutePath().normalize());
    }
    return out.toString();
  }

  /**
   * Spawns the job's program under its keeper, in a new session (so the program's pid is its process
   * group id), with its output appended to the job's log. Blocking.
   */
  public Launched launch(Job job) throws IOException {
    String jobId = job.id();
    Path dir = Path.of(job.artifactsDir());
    Files.createDirectories(dir);
    JsonObject params = job.paramsOrEmpty();
    // A status left by an earlier run in this directory must not pass for this run's.
    Files.deleteIfExists(dir.resolve(Keeper.STATUS_FILE));
    // The keeper's stdout is a pipe (it names the program's pid there); its stderr, which the program
    // writes to, is the log.
    ProcessBuilder pb = new ProcessBuilder(keeper.wrap(dir, command(job.type().wire())))
        .directory(dir.toFile())
        .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
        .redirectError(ProcessBuilder.Redirect.appendTo(new File(job.logPath())));
    Map<String, String> env = pb.environment();
    Map<String, String> own = Map.copyOf(env);
    env.clear();
    INHERITED.forEach(k -> {
      if (own.containsKey(k)) {
        env.put(k, own.get(k));
      }
    });
    env.put("TRAINYARD_JOB_ID", jobId);
    env.put("TRAINYARD_JOB_TYPE", job.type().wire());
    env.put("TRAINYARD_JOB_DIR", dir.toString());
    env.put("TRAINYARD_PARAMS", params.encode());
    env.put("TRAINYARD_DEMO_STEP_MS", Long.toString(demoStepMs));
    // Exactly the devices the claim assigned; empty (not unset) for none, so a program sees no GPU at all.
    env.put("CUDA_VISIBLE_DEVICES", String.join(",", job.assignedGpus() == null ? List.of() : job.assignedGpus()));
    env.put("TRAINYARD_ATTEMPT", Integer.toString(job.attempt()));
    if (job.attempt() > 1) {
      // Attempts share one log; a separator says where the next one begins.
      Files.writeString(Path.of(job.logPath()), "===== attempt " + job.attempt() + " of "
          + (1 + params.getInteger("max_retries", 0)) + " =====\n", java.nio.charset.StandardCharsets.UTF_8,
          java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
    }
    String dataset = params.getString("dataset_id");
    if (dataset != null) {
      env.put("TRAINYARD_DATASET_PATH", datasets.resolve(dataset + ".csv").toString());
    }
    String model = params.getString("model_path");
    if (model != null) {
      env.put("TRAINYARD_MODEL_PATH", model);
    }
    Process started = pb.start();
    try {
      return new Launched(started, Keeper.programPid(started));
    } catch (IOException e) {
      started.destroyForcibly();
      throw e;
    }
  }
}
