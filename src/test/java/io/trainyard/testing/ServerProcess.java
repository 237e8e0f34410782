package io.trainyard.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Trainyard as its own OS process (embedded PostgreSQL and all), for tests that SIGKILL it. */
public final class ServerProcess {
  private static final Pattern UP = Pattern.compile("is up: open http://127\\.0\\.0\\.1:(\\d+)/");
  private final Process process;
  private final int port;

  private ServerProcess(Process process, int port) {
    this.process = process;
    this.port = port;
  }

  public static ServerProcess start(Path dataDir, Path config, Path output) throws IOException, InterruptedException {
    return start(dataDir, config, output, Map.of());
  }

  /** With extra environment variables (a shared database, cluster settings); the rest as above. */
  public static ServerProcess start(Path dataDir, Path config, Path output, Map<String, String> env)
      throws IOException, InterruptedException {
    long already = Files.exists(output) ? Files.size(output) : 0;
    Process p = builder(dataDir, config, output, env).start();
    Integer port = null;
    try {
      // Done when the start line names the port, or when the process has died without one.
      port = Await.until("the server process to log that it is up", Duration.ofSeconds(120),
          () -> upPort(output, already), found -> found != null || !p.isAlive());
    } catch (Await.Timeout e) {
      // reported below with the whole output
    }
    if (port != null) {
      return new ServerProcess(p, port);
    }
    p.destroyForcibly();
    throw new IllegalStateException("server did not come up:\n" + Files.readString(output));
  }

  /**
   * Starts a server that is expected to refuse to start; answers what it printed once it has exited
   * (or fails if it came up, or is still running after two minutes).
   */
  public static String failedStart(Path dataDir, Path config, Path output, Map<String, String> env)
      throws IOException, InterruptedException {
    long already = Files.exists(output) ? Files.size(output) : 0;
    Process p = builder(dataDir, config, output, env).start();
    if (!p.waitFor(120, java.util.concurrent.TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IllegalStateException("the server neither started nor exited:\n" + Files.readString(output));
    }
    String out = Files.readString(output);
    return out.substring((int) Math.min(already, out.length()));
  }

  private static ProcessBuilder builder(Path dataDir, Path config, Path output, Map<String, String> env) {
    ProcessBuilder pb = new ProcessBuilder(ProcessHandle.current().info().command().orElse("java"),
        "-cp", System.getProperty("java.class.path"), "io.trainyard.app.Main")
        .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(output.toFile()));
    pb.environment().put("TRAINYARD_DATA_DIR", dataDir.toString());
    pb.environment().put("TRAINYARD_HTTP_PORT", "0");
    pb.environment().put("TRAINYARD_CONFIG", config.toString());
    pb.environment().put("TRAINYARD_ADMIN_PASSWORD", TestServer.ADMIN_PASSWORD);
    pb.environment().remove("TRAINYARD_DB_URL");
    pb.environment().putAll(env);
    return pb;
  }

  /** The port of the "is up" line written after {@code from}, or null while there is none. */
  private static Integer upPort(Path output, long from) throws IOException {
    String out = Files.readString(output);
    Matcher m = UP.matcher(out.substring((int) Math.min(from, out.length())));
    return m.find() ? Integer.parseInt(m.group(1)) : null;
  }

  public String baseUrl() {
    return "http://127.0.0.1:" + port;
  }

  public long pid() {
    return process.pid();
  }

  /** SIGKILL: no shutdown hook runs, the embedded PostgreSQL and job processes are orphaned. */
  public void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor();
  }

  /** A clean stop (SIGTERM), which also stops the embedded PostgreSQL. */
  public void stop() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)) {
      process.destroyForcibly();
    }
  }
}
