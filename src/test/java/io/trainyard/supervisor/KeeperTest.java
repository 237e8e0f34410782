package io.trainyard.supervisor;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalInt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The keeper with real processes: it reports the program's pid, and records every way a program ends. */
class KeeperTest {

  private static Process start(Keeper keeper, Path dir, String script) throws Exception {
    return new ProcessBuilder(keeper.wrap(dir, List.of("sh", "-c", script))).directory(dir.toFile())
        .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
        .redirectError(ProcessBuilder.Redirect.appendTo(dir.resolve("output.log").toFile())).start();
  }

  @Test
  void theProgramLeadsItsOwnGroupWithDefaultSignalsAndItsExitStatusIsRecorded(@TempDir Path dir) throws Exception {
    Keeper keeper = Keeper.install(dir);
    Process k = start(keeper, dir, "echo \"group $(ps -o pgid= -p $$ | tr -d ' ') self $$\"; grep SigIgn /proc/self/status; exit 3");
    long pid = Keeper.programPid(k);
    assertEquals(3, k.waitFor(), "the keeper ends with the program's status");
    assertEquals(OptionalInt.of(3), Keeper.recordedStatus(dir.toString()));
    String log = Files.readString(dir.resolve("output.log"));
    assertTrue(log.contains("group " + pid + " self " + pid), "the program is its group's leader: " + log);
    java.util.regex.Matcher ign = java.util.regex.Pattern.compile("SigIgn:\\s*([0-9a-f]+)").matcher(log);
    assertTrue(ign.find(), log);
    long ignored = Long.parseUnsignedLong(ign.group(1), 16);
    // sh starts background commands with SIGINT (2) and SIGQUIT (3) ignored; the program must not inherit that.
    assertEquals(0, ignored & ((1L << 1) | (1L << 2)), "SIGINT and SIGQUIT are not ignored: " + log);
    assertFalse(log.contains("Terminated") || log.contains("Killed"), log);
  }

  @Test
  void aSigkillOfTheJobsGroupIsRecordedByTheKeeperWhichIsOutsideIt(@TempDir Path dir) throws Exception {
    Keeper keeper = Keeper.install(dir);
    Process k = start(keeper, dir, "trap '' TERM; sleep 30 & wait");
    long pid = Keeper.programPid(k);
    ProcessGroup.signal(pid, "KILL");
    assertEquals(137, k.waitFor());
    assertEquals(OptionalInt.of(137), Keeper.recordedStatus(dir.toString()));
    assertTrue(ProcessGroup.isEmpty(pid), "the whole group is gone");
  }

  @Test
  void aSignalSentToTheKeeperItselfIsPassedOnToTheJobsGroup(@TempDir Path dir) throws Exception {
    Keeper keeper = Keeper.install(dir);
    Process k = start(keeper, dir, "sleep 30 & echo $! > child.pid; wait");
    long pid = Keeper.programPid(k);
    long child = CancelTest.pidFile(dir, "child.pid");
    new ProcessBuilder("kill", "-TERM", Long.toString(k.pid())).start().waitFor();
    assertEquals(143, k.waitFor(), "the program ended on the passed-on SIGTERM");
    assertEquals(OptionalInt.of(143), Keeper.recordedStatus(dir.toString()));
    io.trainyard.testing.Await.until("the group to empty", java.time.Duration.ofSeconds(10), () -> ProcessGroup.isEmpty(pid));
    assertFalse(CancelTest.alive(child), "the child got it too");
  }

  @Test
  void aStatusIsReadOnlyWhenCompleteAndNumeric(@TempDir Path dir) throws Exception {
    assertEquals(OptionalInt.empty(), Keeper.recordedStatus(dir.toString()));
    assertEquals(OptionalInt.empty(), Keeper.recordedStatus(null));
    Files.writeString(dir.resolve(Keeper.STATUS_FILE), "garbage\n");
    assertEquals(OptionalInt.empty(), Keeper.recordedStatus(dir.toString()));
    Files.writeString(dir.resolve(Keeper.STATUS_FILE), "0\n");
    assertEquals(OptionalInt.of(0), Keeper.recordedStatus(dir.toString()));
  }
}
