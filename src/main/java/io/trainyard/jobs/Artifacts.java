package io.trainyard.jobs;

import io.trainyard.auth.User;
import io.trainyard.domain.DomainException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.io.BufferedReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** What jobs read and leave behind: datasets, registered models and prediction results. */
public final class Artifacts {
  private static final int PREVIEW_ROWS = 20;
  private final Vertx vertx;
  private final DatasetCatalog datasets;
  private final ModelRepository models;
  private final ResultRepository results;

  public Artifacts(Vertx vertx, DatasetCatalog datasets, ModelRepository models, ResultRepository results) {
    this.vertx = vertx;
    this.datasets = datasets;
    this.models = models;
    this.results = results;
  }

  public Future<JsonObject> datasets() {
    return vertx.executeBlocking(datasets::list, false).map(items -> new JsonObject().put("items", items));
  }

  public Future<JsonObject> models(User user, JobFilter.Paging page) {
    return models.list(JobService.scope(user), page.limit(), page.offset()).map(items -> new JsonObject().put("items", items));
  }

  public Future<JsonObject> results(User user, JobFilter.Paging page) {
    return results.list(JobService.scope(user), page.limit(), page.offset()).map(items -> new JsonObject().put("items", items));
  }

  /** A result the user may see, or not found. */
  public Future<JsonObject> result(User user, String id) {
    if (!Ids.plausible(id)) {
      return Future.failedFuture(DomainException.notFound("Result not found"));
    }
    return results.find(id, JobService.scope(user)).compose(r -> r
        .map(Future::succeededFuture).orElseGet(() -> Future.failedFuture(DomainException.notFound("Result not found"))));
  }

  /** The result with the first rows of its predictions as {@code preview}. */
  public Future<JsonObject> resultWithPreview(User user, String id) {
    return result(user, id).compose(r ->
        vertx.executeBlocking(() -> r.copy().put("preview", preview(Path.of(r.getString("path")))), false));
  }

  /** The first rows of a predictions CSV as objects keyed by its header. Blocking. */
  static JsonArray preview(Path csv) throws java.io.IOException {
    JsonArray rows = new JsonArray();
    if (!Files.isRegularFile(csv)) {
      return rows;
    }
    try (BufferedReader in = Files.newBufferedReader(csv, StandardCharsets.UTF_8)) {
      String header = in.readLine();
      if (header == null) {
        return rows;
      }
      String[] cols = header.split(",");
      String line;
      while (rows.size() < PREVIEW_ROWS && (line = in.readLine()) != null) {
        String[] cells = line.split(",");
        JsonObject row = new JsonObject();
        for (int i = 0; i < cols.length && i < cells.length; i++) {
          row.put(cols[i], cells[i].matches("-?[0-9.eE+-]+") ? (Object) Double.parseDouble(cells[i]) : cells[i]);
        }
        rows.add(row);
      }
    } catch (NumberFormatException e) {
      return rows;
    }
    return rows;
  }
}
