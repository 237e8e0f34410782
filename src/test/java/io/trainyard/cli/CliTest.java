package io.trainyard.cli;

import io.trainyard.testing.Api;
import io.trainyard.testing.TestServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The {@code trainyard} CLI run in-process against a real server: each call gets its own streams and
 * an environment whose XDG_CONFIG_HOME is a temp dir, so the user's real credentials are never touched.
 * Waiting happens inside the CLI (--wait, logs -f), which returns only once the job has ended.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CliTest {
  private TestServer server;
  private Path config;

  /** One CLI invocation's outcome. */
  record Run(int code, String out, String err) {
    @Override
    public String toString() {
      return "exit " + code + "\n--- stdout\n" + out + "--- stderr\n" + err;
    }
  }

  @BeforeAll
  void start() throws IOException {
    server = TestServer.start();
    server.user("carol", "parallel");
    config = Files.createTempDirectory("trainyard-cli-config");
    Run login = cliWithInput("carol-pass-1\n", "login", "--url", server.baseUrl(), "--user", "carol", "--password-stdin");
    assertEquals(0, login.code(), login.toString());
  }

  @AfterAll
  void stop() {
    server.close();
  }

  private Run cliWithInput(String stdin, String... args) {
    return cli(Map.of("XDG_CONFIG_HOME", config.toString()), stdin, args);
  }

  private Run cli(String... args) {
    return cliWithInput("", args);
  }

  private static Run cli(Map<String, String> env, String stdin, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = TrainyardCli.run(args, env, new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)),
        new PrintWriter(out, true), new PrintWriter(err, true));
    return new Run(code, out.toString(), err.toString());
  }

  private static String submittedId(Run run) {
    var m = java.util.regex.Pattern.compile("job (\\S+) ").matcher(run.out());
    assertTrue(m.find(), run.toString());
    return m.group(1);
  }

  @Test
  void loginStoresUrlAndTokenInAFileOnlyTheOwnerCanRead() throws IOException {
    Path dir = Files.createTempDirectory("trainyard-cli-login");
    Run run = cli(Map.of("XDG_CONFIG_HOME", dir.toString()), TestServer.ADMIN_PASSWORD + "\n",
        "login", "--url", server.baseUrl(), "--user", "admin", "--password-stdin");
    assertEquals(0, run.code(), run.toString());
    Path file = dir.resolve("trainyard/credentials");
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
    JsonObject stored = new JsonObject(Files.readString(file));
    assertEquals(server.baseUrl(), stored.getString("url"));
    assertTrue(stored.getString("token").length() > 10);
    Run users = cli(Map.of("XDG_CONFIG_HOME", dir.toString()), "", "users");
    assertEquals(0, users.code(), users.toString());
    assertTrue(users.out().contains("carol"), users.toString());
  }

  @Test
  void aWrongPasswordIsServerTroubleWithTheProblemsDetail() throws IOException {
    Path dir = Files.createTempDirectory("trainyard-cli-login");
    Run run = cli(Map.of("XDG_CONFIG_HOME", dir.toString()), "wrong-pass\n",
        "login", "--url", server.baseUrl(), "--user", "carol", "--password-stdin");
    assertEquals(3, run.code(), run.toString());
    assertTrue(run.err().contains("401"), run.toString());
    assertTrue(Files.notExists(dir.resolve("trainyard/credentials")));
  }

  @Test
  void submitWaitOfAGoodTrainJobExitsZero() {
    Run run = cli("submit", "train", "--dataset", "demo", "--gene-size", "64", "--output-dim", "4", "--epochs", "1",
        "--lr", "1e-3", "--batch-size", "32", "--wait");
    assertEquals(0, run.code(), run.toString());
    assertTrue(run.out().contains("success"), run.toString());
  }

  @Test
  void submitWaitOfAJobThatFailsExitsOneWithItsError() {
    Run run = cli("submit", "train", "--dataset", "demo", "--gene-size", "5", "--output-dim", "4", "--wait");
    assertEquals(1, run.code(), run.toString());
    assertTrue(run.err().contains("failed") && run.err().contains("gene_size 5"), run.toString());
  }

  @Test
  void aValidationErrorExitsThreeNamingTheField() {
    Run run = cli("submit", "train", "--dataset", "demo", "--gene-size", "0", "--output-dim", "4");
    assertEquals(3, run.code(), run.toString());
    assertTrue(run.err().contains("400") && run.err().contains("gene_size"), run.toString());
  }

  @Test
  void cloudSubmitNeedsAVersionTypesItsInputsAndReportsTheProvidersTrouble() {
    assertEquals(3L, Values.typed("3"));
    assertEquals(0.5, Values.typed("0.5"));
    assertEquals(true, Values.typed("true"));
    assertEquals("acme", Values.typed("acme"));
    assertEquals(1e-4, Values.typed("1e-4"));
    assertEquals("1d", Values.typed("1d"), "not a JSON number");
    assertEquals("42", Values.typed("\"42\""), "quoted stays text");
    Run missing = cli("cloud", "submit", "--kind", "training");
    assertEquals(2, missing.code(), "--version is required: " + missing);
    // This server has no Replicate token: the request reaches the server, which names what is missing.
    Run run = cli("cloud", "submit", "--version", "acme/tiny:v1", "--kind", "training", "--destination", "acme/out",
        "--input", "steps=3", "--input", "lr=0.5", "--input", "fast=true");
    assertEquals(3, run.code(), run.toString());
    assertTrue(run.err().contains("REPLICATE_API_TOKEN"), run.toString());
  }

  @Test
  void aSavedTemplateIsSubmittedWithOverridesAndWaitedFor() {
    Api carol = server.api().login("carol", "carol-pass-1");
    String template = carol.post("/api/templates", new JsonObject().put("name", "cli-tpl").put("job_type", "train")
            .put("params", new JsonObject().put("dataset_id", "demo").put("gene_size", 64).put("output_dim", 4).put("epochs", 1)))
        .expect(200).json().getJsonObject("template").getString("template_id");
    Run run = cli("submit", "--template", template, "--set", "epochs=2", "--wait", "--json");
    assertEquals(0, run.code(), run.toString());
    JsonObject job = new JsonObject(run.out());
    assertEquals("success", job.getString("status"));
    assertEquals(2, job.getJsonObject("params").getInteger("epochs"), "the override is applied");
    assertEquals(3, cli("submit", "--template", "tpl_missing").code(), "an unknown template is the server's 404");
  }

  @Test
  void aStoredTokenIsNeverSentToAnotherServer() {
    Run elsewhere = cli(Map.of("XDG_CONFIG_HOME", config.toString(), "TRAINYARD_URL", "http://127.0.0.1:9"), "", "counts");
    assertEquals(2, elsewhere.code(), "not signed in there: " + elsewhere);
    assertTrue(elsewhere.err().contains("not signed in"), elsewhere.toString());
  }

  @Test
  void aSweepSubmitsOneParentWithAShardPerCombination() {
    Run run = cli("submit", "train", "--dataset", "demo", "--gene-size", "64", "--output-dim", "4", "--epochs", "1",
        "--sweep", "lr=1e-3,1e-4", "--sweep", "batch_size=32,64", "--json");
    assertEquals(0, run.code(), run.toString());
    JsonObject parent = new JsonObject(run.out());
    assertEquals("sweep", parent.getString("job_type"), run.toString());
    JsonObject shards = server.api().login("carol", "carol-pass-1")
        .get("/api/jobs/" + parent.getString("job_id") + "/shards").expect(200).json();
    assertEquals(4, shards.getInteger("shard_count"), shards.encode());
  }

  @Test
  void jobsJsonListsASubmittedJobAndStatusShowsIt() {
    String id = submittedId(cli("submit", "train", "--dataset", "demo", "--gene-size", "64", "--output-dim", "4",
        "--epochs", "1", "--priority", "3"));
    Run jobs = cli("jobs", "--json");
    assertEquals(0, jobs.code(), jobs.toString());
    JsonArray items = new JsonObject(jobs.out()).getJsonArray("items");
    assertTrue(items.stream().map(JsonObject.class::cast).anyMatch(j -> j.getString("job_id").equals(id)), jobs.toString());
    Run table = cli("jobs");
    assertTrue(table.out().startsWith("ID") && table.out().contains(id), table.toString());
    Run status = cli("status", id, "--json");
    assertEquals(0, status.code(), status.toString());
    assertEquals(3, new JsonObject(status.out()).getInteger("priority"));
  }

  @Test
  void logsFollowPrintsTheWholeLogAndExitsWithTheOutcome() {
    String ok = submittedId(cli("submit", "train", "--dataset", "demo", "--gene-size", "64", "--output-dim", "4",
        "--epochs", "3"));
    Run follow = cli("logs", ok, "-f");
    assertEquals(0, follow.code(), follow.toString());
    assertTrue(follow.out().contains("epoch 3/3 step"), follow.toString());
    assertEquals(server.api().login("carol", "carol-pass-1").log(ok), follow.out(), "followed chunks add up to the log");

    String bad = submittedId(cli("submit", "train", "--dataset", "demo", "--gene-size", "5", "--output-dim", "4"));
    Run failed = cli("logs", bad, "--follow");
    assertEquals(1, failed.code(), failed.toString());
    assertTrue(failed.out().contains("gene_size 5"), failed.toString());
  }

  @Test
  void cancelRerunAndCountsActOnTheCallersJobs() {
    String id = submittedId(cli("submit", "train", "--dataset", "demo", "--gene-size", "64", "--output-dim", "4",
        "--epochs", "1", "--wait"));
    Run rerun = cli("rerun", id);
    assertEquals(0, rerun.code(), rerun.toString());
    String again = submittedId(rerun);
    Run cancel = cli("cancel", again);
    assertTrue(cancel.code() == 0 || cancel.err().contains("already finished"), cancel.toString());
    Run counts = cli("counts", "--json");
    assertEquals(0, counts.code(), counts.toString());
    assertTrue(new JsonObject(counts.out()).getInteger("total") >= 2, counts.toString());
    Run missing = cli("status", "no-such-job");
    assertEquals(3, missing.code(), missing.toString());
    assertTrue(missing.err().contains("404"), missing.toString());
  }

  @Test
  void aBadOptionIsAUsageErrorExitingTwo() {
    Run run = cli("submit", "train", "--dataset", "demo", "--no-such-option");
    assertEquals(2, run.code(), run.toString());
    assertTrue(run.err().contains("--no-such-option"), run.toString());
    assertEquals(2, cli("jobs", "--limit", "many").code());
    assertEquals(2, cli("submit").code(), "submit needs train or predict");
    assertEquals(2, cli().code(), "a command is required");
    Run help = cli("submit", "train", "--help");
    assertEquals(0, help.code(), help.toString());
    assertTrue(help.out().contains("--sweep"), help.toString());
  }

  @Test
  void withoutCredentialsACommandAsksForALogin() throws IOException {
    Path empty = Files.createTempDirectory("trainyard-cli-empty");
    Run run = cli(Map.of("XDG_CONFIG_HOME", empty.toString()), "", "jobs");
    assertEquals(2, run.code(), run.toString());
    assertTrue(run.err().contains("trainyard login"), run.toString());
  }

  @Test
  void noServerAtTheUrlExitsThree() throws IOException {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    Path dir = Files.createTempDirectory("trainyard-cli-noserver");
    Run run = cli(Map.of("XDG_CONFIG_HOME", dir.toString()), "pw\n",
        "login", "--url", "http://127.0.0.1:" + port, "--user", "carol", "--password-stdin");
    assertEquals(3, run.code(), run.toString());
    assertTrue(run.err().contains("cannot reach http://127.0.0.1:" + port + ": connection refused"), run.toString());
  }
}
