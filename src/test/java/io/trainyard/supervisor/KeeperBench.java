package io.trainyard.supervisor;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * What the keeper costs a launch: {@code /bin/true} started the way the server used to ({@code setsid
 * /bin/true}, waited for) against the same under the keeper (setsid, sh, the keeper's fork, the pid
 * line, the wait for the group leader, the status file), alternating, in one run. Prints p50/p99 per
 * launch and the ratio. {@code scripts/bench-keeper [launches]}.
 */
public final class KeeperBench {
  private KeeperBench() {
  }

  public static void main(String[] args) throws Exception {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 300;
    Path dir = Files.createTempDirectory("keeper-bench");
    Keeper keeper = Keeper.install(dir);
    long[] plain = new long[n];
    long[] kept = new long[n];
    for (int i = 0; i < 20; i++) { // warm-up of both paths
      plain(dir);
      kept(keeper, dir);
    }
    for (int i = 0; i < n; i++) {
      plain[i] = plain(dir);
      kept[i] = kept(keeper, dir);
    }
    Arrays.sort(plain);
    Arrays.sort(kept);
    System.out.printf("load average %s; %d launches each of /bin/true, start to exit recorded%n",
        Files.readString(Path.of("/proc/loadavg")).split(" ")[0], n);
    System.out.printf("baseline  setsid /bin/true:      p50 %.2f ms  p99 %.2f ms%n", ms(plain, 0.5), ms(plain, 0.99));
    System.out.printf("keeper    keeper.sh /bin/true:   p50 %.2f ms  p99 %.2f ms  (p50 ratio %.2f)%n",
        ms(kept, 0.5), ms(kept, 0.99), ms(kept, 0.5) / ms(plain, 0.5));
  }

  private static long plain(Path dir) throws Exception {
    long t0 = System.nanoTime();
    Process p = new ProcessBuilder("setsid", "/bin/true").directory(dir.toFile())
        .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
        .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectErrorStream(true).start();
    p.waitFor();
    return System.nanoTime() - t0;
  }

  private static long kept(Keeper keeper, Path dir) throws Exception {
    long t0 = System.nanoTime();
    Process p = new ProcessBuilder(keeper.wrap(dir, List.of("/bin/true"))).directory(dir.toFile())
        .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
        .redirectError(ProcessBuilder.Redirect.DISCARD).start();
    Keeper.programPid(p);
    p.waitFor();
    return System.nanoTime() - t0;
  }

  private static double ms(long[] sorted, double q) {
    return sorted[Math.min(sorted.length - 1, (int) (q * sorted.length))] / 1e6;
  }
}
