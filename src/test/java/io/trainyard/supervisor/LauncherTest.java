package io.trainyard.supervisor;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LauncherTest {

  @Test
  void relativeClassPathEntriesBecomeAbsoluteBecauseJobsRunInTheirOwnDirectory() {
    String cwd = Path.of("").toAbsolutePath().toString();
    assertEquals(cwd + "/target/trainyard-fat.jar:/opt/lib/a.jar",
        Launcher.absoluteClassPath("target/trainyard-fat.jar:/opt/lib/a.jar"));
    assertEquals(cwd + "/x.jar", Launcher.absoluteClassPath("./x.jar:"));
  }

  @Test
  void theCommandIsTheConfiguredArgumentListWithPlaceholdersFilled() {
    JsonObject types = new JsonObject().put("train", new JsonObject().put("command",
        new JsonArray().add("{java}").add("-cp").add("{classpath}").add("Main").add("a b; c")));
    List<String> cmd = new Launcher(types, Path.of("/tmp"), 1, null).command("train");
    assertTrue(Path.of(cmd.get(0)).isAbsolute(), cmd.get(0));
    assertTrue(Path.of(cmd.get(2).split(":")[0]).isAbsolute(), cmd.get(2));
    assertEquals("a b; c", cmd.get(4), "an argument stays one argument; nothing is parsed by a shell");
  }
}
