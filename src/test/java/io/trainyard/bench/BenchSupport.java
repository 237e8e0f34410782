package io.trainyard.bench;

import io.trainyard.testing.TestServer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * What the benchmarks share: quiet logs, a deadline, progress lines, the machine's description and
 * load average, percentiles, keep-alive pings for bridge clients, and stopping a node with its data.
 */
final class BenchSupport {
  private static final long T0 = System.nanoTime();

  private BenchSupport() {
  }

  /** The embedded PostgreSQL's and Vert.x's INFO chatter would bury the table; warnings still show. */
  static void quietLogs() {
    java.util.logging.Logger.getLogger("").setLevel(java.util.logging.Level.WARNING);
    for (java.util.logging.Handler h : java.util.logging.Logger.getLogger("").getHandlers()) {
      h.setLevel(java.util.logging.Level.WARNING);
    }
  }

  /** Ends the JVM (exit code 3) if the run is still going after {@code seconds}. */
  static void watchdog(String name, int seconds) {
    Thread watchdog = new Thread(() -> {
      try {
        Thread.sleep(seconds * 1000L);
      } catch (InterruptedException e) {
        return;
      }
      System.err.printf(Locale.ROOT, "%s: still running after the %d s deadline; aborting%n", name, seconds);
      System.exit(3);
    }, name + "-watchdog");
    watchdog.setDaemon(true);
    watchdog.start();
  }

  /** A progress line on stderr, stamped with the seconds since the run began. */
  static void progress(String msg) {
    System.err.printf(Locale.ROOT, "[%6.1f s] %s%n", (System.nanoTime() - T0) / 1e9, msg);
  }

  /** The machine's load average (1/5/15 min): other work on it shows up in the figures. */
  static String loadavg() {
    try {
      String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split(" ");
      return f[0] + " " + f[1] + " " + f[2];
    } catch (IOException | RuntimeException e) {
      return "?";
    }
  }

  /** "2 cores (CPU model), Java 17.0.x, Linux 6.x". */
  static String machine() {
    String cpu = "?";
    try (Stream<String> lines = Files.lines(Path.of("/proc/cpuinfo"))) {
      cpu = lines.filter(l -> l.startsWith("model name")).findFirst().map(l -> l.substring(l.indexOf(':') + 1).trim()).orElse("?");
    } catch (IOException | RuntimeException ignored) {
      // not Linux
    }
    return String.format(Locale.ROOT, "%d cores (%s), Java %s, %s %s", Runtime.getRuntime().availableProcessors(), cpu,
        System.getProperty("java.version"), System.getProperty("os.name"), System.getProperty("os.version"));
  }

  /** The q-quantile of sorted samples (nearest rank), or {@link Long#MIN_VALUE} when there are none. */
  static long pct(long[] sorted, double q) {
    if (sorted.length == 0) {
      return Long.MIN_VALUE;
    }
    int i = (int) Math.ceil(q * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
  }

  /** Nanoseconds as milliseconds with one decimal; "-" for no value. */
  static String ms(long ns) {
    return ns == Long.MIN_VALUE ? "-" : String.format(Locale.ROOT, "%.1f", ns / 1e6);
  }

  /** Pings every live client every 4 s: the bridge closes a socket that has not pinged within 10 s. */
  static ScheduledExecutorService pinger(List<PushClient> live) {
    ScheduledExecutorService pinger = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "bench-pinger");
      t.setDaemon(true);
      return t;
    });
    pinger.scheduleAtFixedRate(() -> live.forEach(c -> {
      try {
        c.ping();
      } catch (RuntimeException ignored) {
        // a closed client
      }
    }), 4, 4, TimeUnit.SECONDS);
    return pinger;
  }

  /** Stops a node and deletes its data directory (job directories, logs). */
  static void stop(TestServer server) {
    Path data = server.dataDir();
    server.close();
    try (Stream<Path> walk = Files.walk(data)) {
      walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException ignored) {
      // a temp dir left behind
    }
  }

  /** A growable array of longs. */
  static final class LongList {
    private long[] a = new long[64];
    private int n;

    synchronized void add(long v) {
      if (n == a.length) {
        a = Arrays.copyOf(a, n * 2);
      }
      a[n++] = v;
    }

    synchronized void addAll(LongList o) {
      long[] other = o.sorted();
      for (long v : other) {
        add(v);
      }
    }

    synchronized int size() {
      return n;
    }

    synchronized long[] sorted() {
      long[] s = Arrays.copyOf(a, n);
      Arrays.sort(s);
      return s;
    }

    long pct(double q) {
      return BenchSupport.pct(sorted(), q);
    }

    long max() {
      long[] s = sorted();
      return s.length == 0 ? Long.MIN_VALUE : s[s.length - 1];
    }
  }
}
