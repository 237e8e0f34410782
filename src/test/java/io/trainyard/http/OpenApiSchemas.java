package io.trainyard.http;

import com.networknt.schema.Error;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import io.vertx.core.json.JsonObject;

import java.util.List;
import java.util.Locale;

/**
 * The schemas an OpenAPI 3.1 document declares, checked by a JSON Schema 2020-12 validator (the
 * dialect OpenAPI 3.1 uses). Each schema is validated inside a copy of the document's
 * {@code components}, so its {@code #/components/schemas/...} references resolve as they do in the
 * document itself.
 */
public final class OpenApiSchemas {
  private static final SchemaRegistry REGISTRY = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12);
  private final JsonObject doc;

  public OpenApiSchemas(JsonObject doc) {
    this.doc = doc;
  }

  /** The documented answer of {@code method path} with {@code status}: media type and schema. */
  public record Answer(String mediaType, JsonObject schema) {
  }

  public Answer response(String method, String path, int status) {
    JsonObject op = operation(method, path);
    JsonObject response = op.getJsonObject("responses").getJsonObject(String.valueOf(status));
    if (response == null) {
      throw new AssertionError(method + " " + path + " documents no " + status + " answer");
    }
    response = resolve(response);
    String media = response.getJsonObject("content").fieldNames().iterator().next();
    return new Answer(media, response.getJsonObject("content").getJsonObject(media).getJsonObject("schema"));
  }

  public JsonObject requestBody(String method, String path) {
    return operation(method, path).getJsonObject("requestBody").getJsonObject("content")
        .getJsonObject("application/json").getJsonObject("schema");
  }

  /** The validator's complaints about {@code json} under {@code schema}; empty when it conforms. */
  public List<Error> errors(JsonObject schema, String json) {
    JsonObject root = schema.copy()
        .put("$schema", "https://json-schema.org/draft/2020-12/schema")
        .put("components", doc.getJsonObject("components"));
    Schema compiled = REGISTRY.getSchema(root.encode(), InputFormat.JSON);
    return compiled.validate(json, InputFormat.JSON);
  }

  private JsonObject operation(String method, String path) {
    JsonObject item = doc.getJsonObject("paths").getJsonObject(path);
    JsonObject op = item == null ? null : item.getJsonObject(method.toLowerCase(Locale.ROOT));
    if (op == null) {
      throw new AssertionError(method + " " + path + " is not documented");
    }
    return op;
  }

  /** Follows a {@code #/components/responses/X} reference. */
  private JsonObject resolve(JsonObject response) {
    String ref = response.getString("$ref");
    if (ref == null) {
      return response;
    }
    JsonObject node = doc;
    for (String part : ref.substring(2).split("/")) {
      node = node.getJsonObject(part);
    }
    return node;
  }

  /** Fails unless {@code res} has the media type and body the document declares for its route and status. */
  public void check(String method, String path, io.trainyard.testing.Api.Res res) {
    Answer declared = response(method, path, res.status());
    if (!res.header("Content-Type").startsWith(declared.mediaType())) {
      throw new AssertionError(method + " " + path + " " + res.status() + ": " + res.header("Content-Type")
          + " vs " + declared.mediaType());
    }
    List<Error> errors = errors(declared.schema(), res.body());
    if (!errors.isEmpty()) {
      throw new AssertionError(method + " " + path + " " + res.status() + " breaks the document: " + errors + "\n" + res.body());
    }
  }
}
