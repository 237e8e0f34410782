package io.trainyard.jobs;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The datasets under {@code <data>/datasets/<id>.csv}. Shapes are read from the files and cached by
 * modification time, so dropping a CSV in makes it available without a restart. Blocking.
 */
public final class DatasetCatalog {
  /** A dataset's shape: feature columns, target columns, data rows. */
  public record Shape(int geneSize, int outputDim, int rows) {
  }

  /**
   * Reads a dataset file's shape (blocking), failing on a malformed file. The job programs own the
   * file format, so the composition root passes their reader in rather than jobs/ importing them.
   */
  @FunctionalInterface
  public interface ShapeReader {
    Shape read(Path csv) throws IOException;
  }

  private final Path dir;
  private final ShapeReader reader;
  private final Map<String, Cached> cache = new ConcurrentHashMap<>();

  private record Cached(FileTime mtime, Shape info) {
  }

  public DatasetCatalog(Path dir, ShapeReader reader) {
    this.dir = dir;
    this.reader = reader;
  }

  public Path path(String datasetId) {
    return dir.resolve(datasetId + ".csv");
  }

  /** The shape of a dataset, if it exists and is readable. */
  public Optional<Shape> describe(String datasetId) {
    if (!Ids.plausible(datasetId.replace('.', '_'))) {
      return Optional.empty();
    }
    Path file = path(datasetId);
    try {
      if (!file.normalize().startsWith(dir) || !Files.isRegularFile(file)) {
        return Optional.empty();
      }
      FileTime mtime = Files.getLastModifiedTime(file);
      Cached c = cache.get(datasetId);
      if (c == null || !c.mtime().equals(mtime)) {
        c = new Cached(mtime, reader.read(file));
        cache.put(datasetId, c);
      }
      return Optional.of(c.info());
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  public JsonArray list() throws IOException {
    JsonArray items = new JsonArray();
    if (!Files.isDirectory(dir)) {
      return items;
    }
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*.csv")) {
      java.util.List<String> ids = new java.util.ArrayList<>();
      files.forEach(f -> ids.add(f.getFileName().toString().replaceFirst("\\.csv$", "")));
      ids.sort(String::compareTo);
      for (String id : ids) {
        describe(id).ifPresent(info -> items.add(new JsonObject().put("dataset_id", id)
            .put("gene_size", info.geneSize()).put("output_dim", info.outputDim()).put("rows", info.rows())));
      }
    }
    return items;
  }
}
