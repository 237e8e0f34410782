package io.trainyard.supervisor;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Reading process groups from /proc, against real processes. */
class ProcessGroupTest {

  @Test
  void theGroupIsReadAfterACommandNameWithSpacesAndParentheses() {
    assertEquals(4242, group("17 (a) b (c)) S 1 4242 4242 0 -1 4194560"));
    assertEquals(-1, group("17 (defunct) Z 1 4242 4242 0"), "a zombie is no member");
    assertEquals(-1, group("17 (cut"), "an unreadable line is no member");
  }

  @Test
  void aSpawnedSessionAndItsChildAreMembersUntilTheyExit() throws Exception {
    Process leader = new ProcessBuilder("setsid", "sh", "-c", "sleep 30 & wait").start();
    long pgid = leader.pid();
    Await.members(pgid, 2);
    assertTrue(ProcessGroup.members(pgid).contains(pgid), "the leader is a member of its own group");
    ProcessGroup.signal(pgid, "KILL");
    assertTrue(leader.waitFor(10, TimeUnit.SECONDS));
    Await.members(pgid, 0);
  }

  @Test
  void aLoneLeaderAndAWholeTreeBothStopOnTerm() throws Exception {
    Process alone = new ProcessBuilder("setsid", "sleep", "30").start();
    Await.members(alone.pid(), 1);
    ProcessGroup.signal(alone.pid(), "TERM");
    assertTrue(alone.waitFor(10, TimeUnit.SECONDS));
    assertEquals(143, alone.exitValue(), "SIGTERM ended it");

    Process tree = new ProcessBuilder("setsid", "sh", "-c", "sleep 30 & sleep 30 & wait").start();
    Await.members(tree.pid(), 3);
    ProcessGroup.signal(tree.pid(), "TERM");
    Await.members(tree.pid(), 0);
    assertTrue(tree.waitFor(10, TimeUnit.SECONDS));
  }

  @Test
  void aGroupIsEmptyOnlyWhenItsLastMemberHasExited() throws Exception {
    assertTrue(Posix.available(), "libc is reachable here, so the one-system-call path is the one tested");
    Process tree = new ProcessBuilder("setsid", "sh", "-c", "sleep 30 & exit 0").start();
    assertTrue(tree.waitFor(10, TimeUnit.SECONDS), "the leader exits at once");
    assertTrue(!ProcessGroup.isEmpty(tree.pid()), "its orphaned child still holds the group");
    ProcessGroup.signal(tree.pid(), "KILL");
    io.trainyard.testing.Await.until("the group empties", java.time.Duration.ofSeconds(10),
        () -> ProcessGroup.isEmpty(tree.pid()), empty -> empty);
    assertTrue(ProcessGroup.members(tree.pid()).isEmpty());
  }

  @Test
  void thisJvmIsFoundInItsOwnGroup() throws Exception {
    String self = Files.readString(Path.of("/proc/self/stat"));
    long pgid = group(self);
    assertTrue(ProcessGroup.members(pgid).contains(ProcessHandle.current().pid()));
  }

  private static long group(String stat) {
    byte[] b = stat.getBytes(StandardCharsets.US_ASCII);
    return ProcessGroup.groupOf(b, b.length);
  }

  /** Waits on /proc rather than sleeping. */
  private static final class Await {
    static void members(long pgid, int n) {
      io.trainyard.testing.Await.until("group " + pgid + " has " + n + " members", java.time.Duration.ofSeconds(10),
          () -> ProcessGroup.members(pgid).size(), size -> size == n);
    }
  }
}
