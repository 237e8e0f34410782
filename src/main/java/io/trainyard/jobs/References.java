package io.trainyard.jobs;

import io.trainyard.auth.User;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

import java.nio.file.Path;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Looks up what submissions name — datasets, dependencies, models, model files — for many
 * submissions at once: one blocking file-system pass and one query per kind, however many
 * submissions there are, so a batch of 1,000 costs the round trips of a single job. What the user
 * may not see is absent from the answer, exactly like what does not exist.
 */
final class References {
  private final Vertx vertx;
  private final JobRepository jobs;
  private final ModelRepository models;
  private final DatasetCatalog datasets;
  private final JobPaths paths;

  References(Vertx vertx, JobRepository jobs, ModelRepository models, DatasetCatalog datasets, JobPaths paths) {
    this.vertx = vertx;
    this.jobs = jobs;
    this.models = models;
    this.datasets = datasets;
    this.paths = paths;
  }

  /** What was found, by the id or path the submissions gave. */
  record Found(Set<String> datasets, Map<String, Optional<Path>> modelFiles,
               Map<String, JobRepository.Dependency> dependencies, Map<String, String> modelPaths) {
    boolean datasetExists(String id) {
      return datasets.contains(id);
    }

    /** The confined real path of a model file, empty when it is missing or outside the artifacts. */
    Optional<Path> modelFile(String path) {
      return modelFiles.getOrDefault(path, Optional.empty());
    }

    /** The dependency, or null when the user cannot see such a job. */
    JobRepository.Dependency dependency(String jobId) {
      return dependencies.get(jobId);
    }

    /** The model's path, or null when the user has no such model. */
    String modelPath(String modelId) {
      return modelPaths.get(modelId);
    }
  }

  Future<Found> load(User user, Collection<Submissions.Draft> drafts) {
    Set<String> datasetIds = new LinkedHashSet<>();
    Set<String> files = new LinkedHashSet<>();
    Set<String> deps = new LinkedHashSet<>();
    Set<String> modelIds = new LinkedHashSet<>();
    for (Submissions.Draft d : drafts) {
      add(datasetIds, d.dataset());
      add(files, d.modelPath());
      add(deps, d.dependsOn());
      add(modelIds, d.modelId());
    }
    Long viewer = JobService.scope(user);
    // The file-system pass and both queries run at once: they wait on different things.
    Future<Found> onDisk = datasetIds.isEmpty() && files.isEmpty()
        ? Future.succeededFuture(new Found(Set.of(), Map.of(), Map.of(), Map.of()))
        : vertx.executeBlocking(() -> {
          Set<String> present = new HashSet<>();
          datasetIds.stream().filter(id -> datasets.describe(id).isPresent()).forEach(present::add);
          Map<String, Optional<Path>> confined = new HashMap<>();
          files.forEach(f -> confined.put(f, paths.confinedFile(f)));
          return new Found(present, confined, Map.of(), Map.of());
        }, false);
    Future<Map<String, JobRepository.Dependency>> dependencies =
        jobs.dependencies(deps, viewer, Submissions.MAX_DEPENDENCY_DEPTH + 1);
    Future<Map<String, String>> modelPaths = models.paths(modelIds, viewer);
    Future<Map<String, Optional<Path>>> ownModelFiles = onDisk.compose(found -> ownFiles(found.modelFiles(), viewer));
    return Future.all(ownModelFiles, dependencies, modelPaths).map(x -> new Found(onDisk.result().datasets(),
        ownModelFiles.result(), dependencies.result(), modelPaths.result()));
  }

  /**
   * Confinement to the artifacts directory is not enough: a file in another user's job directory is
   * that user's model. Such files count as missing unless the viewer may see their job.
   */
  private Future<Map<String, Optional<Path>>> ownFiles(Map<String, Optional<Path>> files, Long viewer) {
    Map<String, String> jobOf = new HashMap<>();
    files.forEach((given, file) -> file.flatMap(paths::owningJob).ifPresent(job -> jobOf.put(given, job)));
    if (jobOf.isEmpty() || viewer == null) {
      return Future.succeededFuture(files);
    }
    return jobs.visible(new HashSet<>(jobOf.values()), viewer).map(visible -> {
      Map<String, Optional<Path>> out = new HashMap<>(files);
      jobOf.forEach((given, job) -> {
        if (!visible.contains(job)) {
          out.put(given, Optional.empty());
        }
      });
      return out;
    });
  }

  private static void add(Set<String> to, String value) {
    if (value != null) {
      to.add(value);
    }
  }
}
