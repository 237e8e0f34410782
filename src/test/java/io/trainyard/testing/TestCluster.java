package io.trainyard.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;

/**
 * Trainyard nodes in JVMs of their own on loopback, clustered over Hazelcast (TCP/IP list) and
 * sharing one PostgreSQL database. The first node forms the cluster alone; the others start together
 * and join it, so their JVM start-up costs are paid at once without two of them racing to form it.
 */
public final class TestCluster implements AutoCloseable {
  private final Path dir;
  private final Path config;
  private final String dbUrl;
  private final List<Integer> hazelcastPorts;
  private final ServerProcess[] nodes;

  private TestCluster(Path dir, Path config, String dbUrl, List<Integer> hazelcastPorts) {
    this.dir = dir;
    this.config = config;
    this.dbUrl = dbUrl;
    this.hazelcastPorts = hazelcastPorts;
    this.nodes = new ServerProcess[hazelcastPorts.size()];
  }

  /**
   * Starts {@code n} nodes ("node-0" ...) with the given YAML configuration (the cluster section is
   * added: a 3 s node timeout, 300 ms heartbeats).
   */
  public static TestCluster start(int n, Path dir, String yaml) throws IOException, InterruptedException {
    Path config = dir.resolve("application.yaml");
    Files.writeString(config, yaml + """
        cluster:
          node_timeout_seconds: 3
          heartbeat_ms: 300
          name: test-%d
        """.formatted(ProcessHandle.current().pid()));
    List<Integer> ports = new ArrayList<>();
    while (ports.size() < n) {
      int port = freePort();
      if (!ports.contains(port)) { // each probe's socket is closed again: two could pick the same port
        ports.add(port);
      }
    }
    TestCluster cluster = new TestCluster(dir, config, SharedPostgres.newDatabase(), ports);
    try {
      cluster.startNode(0);
      List<CompletableFuture<Void>> rest = new ArrayList<>();
      for (int i = 1; i < n; i++) {
        int node = i;
        rest.add(CompletableFuture.runAsync(() -> {
          try {
            cluster.startNode(node);
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
          }
        }));
      }
      CompletableFuture.allOf(rest.toArray(new CompletableFuture[0])).join();
    } catch (RuntimeException | IOException | InterruptedException e) {
      cluster.close();
      throw e;
    }
    return cluster;
  }

  /** Starts node {@code i} (again, after a {@link ServerProcess#kill()}: same id, data and ports). */
  public ServerProcess startNode(int i) throws IOException, InterruptedException {
    nodes[i] = ServerProcess.start(dir.resolve("data-" + i), config, dir.resolve("node-" + i + ".out"), env(i));
    return nodes[i];
  }

  /** The environment of node {@code i}, as an operator would set it. */
  public Map<String, String> env(int i) {
    Map<String, String> env = new HashMap<>();
    env.put("TRAINYARD_DB_URL", dbUrl);
    env.put("TRAINYARD_NODE_ID", nodeId(i));
    env.put("TRAINYARD_CLUSTER", "true");
    env.put("TRAINYARD_CLUSTER_MEMBERS", hazelcastPorts.stream().map(p -> "127.0.0.1:" + p).collect(Collectors.joining(",")));
    env.put("TRAINYARD_CLUSTER_PORT", String.valueOf(hazelcastPorts.get(i)));
    env.put("TRAINYARD_CLUSTER_HOST", "127.0.0.1");
    env.put("TRAINYARD_EVENTBUS_PORT", "0");
    return env;
  }

  public Path config() {
    return config;
  }

  public Path dir() {
    return dir;
  }

  public static String nodeId(int i) {
    return "node-" + i;
  }

  public ServerProcess node(int i) {
    return nodes[i];
  }

  public int size() {
    return nodes.length;
  }

  /** What node {@code i} printed. */
  public String output(int i) throws IOException {
    return Files.readString(dir.resolve("node-" + i + ".out"));
  }

  @Override
  public void close() {
    for (ServerProcess p : nodes) {
      if (p != null) {
        try {
          p.stop();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    }
  }

  /**
   * A free port below the system's ephemeral range: a port the system handed out (port 0) could be
   * taken again, by any outgoing connection, before the node binds it.
   */
  private static int freePort() throws IOException {
    int below = 32768;
    try {
      // readAllLines: readString trusts the size procfs reports and stops early.
      below = Integer.parseInt(Files.readAllLines(Path.of("/proc/sys/net/ipv4/ip_local_port_range")).get(0).trim().split("\\s+")[0]);
    } catch (IOException | RuntimeException e) {
      // keep Linux's default
    }
    java.util.Random random = new java.util.Random();
    for (int attempt = 0; attempt < 100; attempt++) {
      int port = 10_000 + random.nextInt(Math.max(1, below - 10_000));
      try (ServerSocket s = new ServerSocket(port, 1, java.net.InetAddress.getLoopbackAddress())) {
        return s.getLocalPort();
      } catch (IOException taken) {
        // try another
      }
    }
    throw new IOException("no free port below " + below);
  }
}
