package io.trainyard.jobs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Where a job's files live: {@code <artifacts>/jobs/<job_id>/}. Every path that comes from a request
 * is confined to the artifacts directory, symlinks resolved.
 */
public final class JobPaths {
  public static final String LOG_FILE = "output.log";
  public static final String FALLBACK_LOG = "logger/log.txt";
  private final Path artifacts;
  private final Path datasets;

  public JobPaths(Path dataDir) {
    this.artifacts = dataDir.resolve("artifacts").toAbsolutePath().normalize();
    this.datasets = dataDir.resolve("datasets").toAbsolutePath().normalize();
  }

  public Path artifacts() {
    return artifacts;
  }

  public Path datasets() {
    return datasets;
  }

  public Path jobDir(String jobId) {
    return artifacts.resolve("jobs").resolve(jobId);
  }

  public Path logFile(String jobId) {
    return jobDir(jobId).resolve(LOG_FILE);
  }

  /**
   * Resolves a user-given path (absolute or relative to the artifacts dir) to an existing regular
   * file inside the artifacts dir, or empty.
   */
  public Optional<Path> confinedFile(String userPath) {
    try {
      Path p = Path.of(userPath);
      Path candidate = (p.isAbsolute() ? p : artifacts.resolve(p)).normalize();
      if (!candidate.startsWith(artifacts) || !Files.isRegularFile(candidate)) {
        return Optional.empty();
      }
      Path real = candidate.toRealPath();
      Path realRoot = artifacts.toRealPath();
      return real.startsWith(realRoot) ? Optional.of(real) : Optional.empty();
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }

  /**
   * The job whose directory holds a confined file (as {@link #confinedFile} answers it), or empty for
   * a file elsewhere in the artifacts directory (one an operator put there for everyone).
   */
  public Optional<String> owningJob(Path confined) {
    try {
      Path jobs = artifacts.resolve("jobs").toRealPath();
      if (!confined.startsWith(jobs) || confined.getNameCount() <= jobs.getNameCount() + 1) {
        return Optional.empty();
      }
      return Optional.of(confined.getName(jobs.getNameCount()).toString());
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  /** Removes a job directory; refuses anything outside {@code <artifacts>/jobs/}. Blocking. */
  public boolean purge(String artifactsDir) throws IOException {
    if (artifactsDir == null) {
      return false;
    }
    Path dir = Path.of(artifactsDir).toAbsolutePath().normalize();
    if (!dir.startsWith(artifacts.resolve("jobs")) || dir.equals(artifacts.resolve("jobs"))
        || !Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
      return false;
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
    return true;
  }
}
