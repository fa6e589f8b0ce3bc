package dev.tideline.testing.kinesis;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.http.Protocol;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClientBuilder;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.ResourceNotFoundException;
import software.amazon.awssdk.services.kinesis.model.StreamStatus;

/**
 * A real Kinesis API server (kinesis-mock, from the pinned npm package {@code kinesis-local}) run
 * as a child process on free loopback ports.
 *
 * <p>The server speaks the Kinesis wire protocol (CBOR and JSON) over HTTP and TLS, enforces the 1
 * MiB record limit and serves GetRecords. It does not enforce the PutRecords entry or request size
 * limits, nor shard throughput.
 *
 * <p>The process dies with the JVM that started it, even when that JVM is killed: on Linux it is
 * started under {@code setpriv --pdeathsig KILL}, from a launcher thread that lives as long as the
 * JVM (the parent-death signal is tied to the thread that forked the child). {@link #close()} stops
 * it earlier.
 *
 * <p>Thread-safe. Start one with {@link #start()} or {@link #builder()}; in JUnit 5 tests use
 * {@link LocalKinesisExtension}, which shares one server per test JVM.
 */
public final class LocalKinesisServer implements AutoCloseable {
  /** The region the server and its clients use. */
  public static final Region REGION = Region.US_EAST_1;

  /** How long to wait for the server to answer, by default; its first start takes a few seconds. */
  public static final Duration DEFAULT_START_TIMEOUT = Duration.ofSeconds(90);

  private static final String SETPRIV = "/usr/bin/setpriv";
  private static final StaticCredentialsProvider CREDENTIALS =
      StaticCredentialsProvider.create(AwsBasicCredentials.create("tideline", "tideline-local"));

  /**
   * Forks every server. PR_SET_PDEATHSIG fires when the forking thread ends, so this thread must
   * outlive the servers: a pool thread of a single-thread executor never times out.
   */
  private static final ExecutorService LAUNCHER =
      Executors.newSingleThreadExecutor(
          runnable -> {
            Thread thread = new Thread(runnable, "tideline-kinesis-local-launcher");
            thread.setDaemon(true);
            return thread;
          });

  private final Process process;
  private final Path log;
  private final int httpPort;
  private final int tlsPort;
  private final KinesisClient client;
  private final KinesisAsyncClient asyncClient;

  private LocalKinesisServer(Process process, Path log, int httpPort, int tlsPort) {
    this.process = process;
    this.log = log;
    this.httpPort = httpPort;
    this.tlsPort = tlsPort;
    this.client =
        KinesisClient.builder()
            .endpointOverride(httpEndpoint())
            .region(REGION)
            .credentialsProvider(CREDENTIALS)
            .httpClientBuilder(UrlConnectionHttpClient.builder())
            .build();
    this.asyncClient = asyncClientBuilder().build();
  }

  /** Starts a server with the default settings. */
  public static LocalKinesisServer start() throws LocalKinesisException {
    return builder().start();
  }

  /** A builder for a server with other settings (node executable, cache folder, timeouts). */
  public static Builder builder() {
    return new Builder();
  }

  /** The plain HTTP endpoint, for example {@code http://127.0.0.1:41234}. */
  public URI httpEndpoint() {
    return URI.create("http://127.0.0.1:" + httpPort);
  }

  /** The TLS endpoint; the server's certificate is self-signed. */
  public URI httpsEndpoint() {
    return URI.create("https://127.0.0.1:" + tlsPort);
  }

  /** Credentials the server accepts (it checks that requests are signed, not by whom). */
  public StaticCredentialsProvider credentials() {
    return CREDENTIALS;
  }

  /** A synchronous client for this server (CBOR, the SDK's default protocol), owned by it. */
  public KinesisClient client() {
    return client;
  }

  /**
   * A builder for another asynchronous client of this server (endpoint, region, credentials and
   * HTTP client set), for settings of its own, such as the override configuration a Tideline {@code
   * KinesisSink} recommends. The caller owns and closes what it builds.
   */
  public KinesisAsyncClientBuilder asyncClientBuilder() {
    return KinesisAsyncClient.builder()
        .endpointOverride(httpEndpoint())
        .region(REGION)
        .credentialsProvider(CREDENTIALS)
        // Plain HTTP on loopback: HTTP/1.1, since h2c is not offered.
        .httpClientBuilder(NettyNioAsyncHttpClient.builder().protocol(Protocol.HTTP1_1));
  }

  /** An asynchronous client for this server, owned by it. */
  public KinesisAsyncClient asyncClient() {
    return asyncClient;
  }

  /** The operating-system process id of the server. */
  public long pid() {
    return process.pid();
  }

  /** Whether the server process is still running. */
  public boolean isAlive() {
    return process.isAlive();
  }

  /**
   * Creates a stream and waits until it is ACTIVE.
   *
   * @throws IllegalArgumentException if shardCount is not positive
   * @throws SdkException if the server refuses (for example, the stream exists)
   */
  public LocalKinesisStream createStream(String name, int shardCount) {
    if (shardCount <= 0) {
      throw new IllegalArgumentException("shardCount must be positive, was " + shardCount);
    }
    client.createStream(b -> b.streamName(name).shardCount(shardCount));
    // The SDK's waiter polls every 10 s; the server activates a stream in about 100 ms.
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (client
            .describeStreamSummary(b -> b.streamName(name))
            .streamDescriptionSummary()
            .streamStatus()
        != StreamStatus.ACTIVE) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("stream " + name + " did not become ACTIVE within 30 s");
      }
      sleepQuietly(20);
    }
    return new LocalKinesisStream(this, name, shardCount);
  }

  /** Deletes a stream, if it exists, without waiting for the deletion to finish. */
  public void deleteStream(String name) {
    try {
      client.deleteStream(b -> b.streamName(name).enforceConsumerDeletion(true));
    } catch (ResourceNotFoundException e) {
      // Already gone: nothing to do.
    }
  }

  /** Stops the server and closes its clients. Idempotent. */
  @Override
  public void close() {
    client.close();
    asyncClient.close();
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public String toString() {
    return "LocalKinesisServer{http=" + httpEndpoint() + ", pid=" + process.pid() + "}";
  }

  private static void sleepQuietly(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for the local Kinesis server", e);
    }
  }

  /** The last lines of a log file, for error messages. */
  static String tail(Path file) {
    try {
      List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
    } catch (IOException e) {
      return "(log " + file + " unreadable: " + e.getMessage() + ")";
    }
  }

  /** Settings for a {@link LocalKinesisServer}. Each setter validates its argument. */
  public static final class Builder {
    private String nodeExecutable = "node";
    private String npmExecutable = "npm";
    private Path cacheRoot = LocalKinesisInstallation.defaultCacheRoot();
    private Duration startTimeout = DEFAULT_START_TIMEOUT;

    private Builder() {}

    /** The Node.js executable; default {@code node} from the PATH. */
    public Builder nodeExecutable(String nodeExecutable) {
      this.nodeExecutable = requireNonBlank(nodeExecutable, "nodeExecutable");
      return this;
    }

    /** The npm executable used to install the pinned package; default {@code npm}. */
    public Builder npmExecutable(String npmExecutable) {
      this.npmExecutable = requireNonBlank(npmExecutable, "npmExecutable");
      return this;
    }

    /**
     * Where the pinned package is installed; default the system property {@code
     * tideline.kinesis.home}, else {@code ~/.cache/tideline/kinesis-local}.
     */
    public Builder cacheRoot(Path cacheRoot) {
      this.cacheRoot = Objects.requireNonNull(cacheRoot, "cacheRoot");
      return this;
    }

    /** How long to wait for the server to answer; default {@link #DEFAULT_START_TIMEOUT}. */
    public Builder startTimeout(Duration startTimeout) {
      if (startTimeout.isNegative() || startTimeout.isZero()) {
        throw new IllegalArgumentException("startTimeout must be positive, was " + startTimeout);
      }
      this.startTimeout = startTimeout;
      return this;
    }

    /**
     * Installs the package if needed, starts the server and waits until it answers.
     *
     * @throws LocalKinesisException with the reason, if it cannot (no Node.js, install failed, the
     *     process exited, or it did not answer in time)
     */
    public LocalKinesisServer start() throws LocalKinesisException {
      Path packageDir = LocalKinesisInstallation.ensureInstalled(cacheRoot, npmExecutable);
      int httpPort = freePort();
      int tlsPort = freePort();
      Path log;
      try {
        log = Files.createTempFile("kinesis-local-" + httpPort + "-", ".log");
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      List<String> command = new ArrayList<>();
      if (Files.isExecutable(Path.of(SETPRIV))) {
        command.addAll(List.of(SETPRIV, "--pdeathsig", "KILL", "--"));
      }
      command.add(nodeExecutable);
      command.add(packageDir.resolve("main.js").toString());
      ProcessBuilder builder =
          new ProcessBuilder(command)
              .directory(packageDir.toFile())
              .redirectErrorStream(true)
              .redirectOutput(log.toFile());
      Map<String, String> env = builder.environment();
      env.put("KINESIS_MOCK_PLAIN_PORT", Integer.toString(httpPort));
      env.put("KINESIS_MOCK_TLS_PORT", Integer.toString(tlsPort));
      env.put("KINESIS_MOCK_CERT_PATH", packageDir.resolve("server.json").toString());
      env.put("CREATE_STREAM_DURATION", "100ms");
      env.put("DELETE_STREAM_DURATION", "100ms");
      env.put("AWS_REGION", REGION.id());
      env.put("LOG_LEVEL", "WARN");
      env.put("SHARD_LIMIT", "1000");

      Process process;
      try {
        process = LAUNCHER.submit(builder::start).get();
      } catch (ExecutionException e) {
        // What ProcessBuilder.start threw; an ExecutionException always carries it.
        Throwable cause = e.getCause() == null ? e : e.getCause();
        throw new LocalKinesisException(
            "could not start the local Kinesis server with "
                + command
                + " (is Node.js 20 on the PATH?): "
                + cause.getMessage(),
            cause);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new LocalKinesisException("interrupted while starting the local Kinesis server", e);
      }
      LocalKinesisServer server = new LocalKinesisServer(process, log, httpPort, tlsPort);
      server.awaitReady(startTimeout);
      return server;
    }

    private static String requireNonBlank(String value, String name) {
      if (value == null || value.trim().isEmpty()) {
        throw new IllegalArgumentException(name + " must not be blank, was '" + value + "'");
      }
      return value;
    }
  }

  private void awaitReady(Duration timeout) throws LocalKinesisException {
    long deadline = System.nanoTime() + timeout.toNanos();
    SdkException last = null;
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        close();
        throw new LocalKinesisException(
            "the local Kinesis server exited with code "
                + process.exitValue()
                + " before answering; its output:\n"
                + tail(log));
      }
      try {
        client.listStreams(b -> b.limit(1));
        return;
      } catch (SdkException e) {
        last = e;
      }
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        close();
        Thread.currentThread().interrupt();
        throw new LocalKinesisException(
            "interrupted while waiting for the local Kinesis server", e);
      }
    }
    close();
    throw new LocalKinesisException(
        "the local Kinesis server did not answer on "
            + httpEndpoint()
            + " within "
            + timeout
            + (last == null ? "" : " (last error: " + last.getMessage() + ")")
            + "; its output:\n"
            + tail(log));
  }

  private static int freePort() throws LocalKinesisException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new LocalKinesisException("no free loopback port: " + e.getMessage(), e);
    }
  }
}
