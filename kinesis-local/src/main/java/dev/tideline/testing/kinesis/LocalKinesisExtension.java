package dev.tideline.testing.kinesis;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.KinesisClient;

/**
 * JUnit 5 extension that runs a {@link LocalKinesisServer} for tests.
 *
 * <p>One server per test JVM, shared by every test class that uses the same settings, started on
 * first use and stopped when the test run ends. Test methods receive, as parameters:
 *
 * <ul>
 *   <li>{@link LocalKinesisStream}, optionally annotated with {@link TestStream}: a fresh stream
 *       per test (the server slows down as a stream fills), deleted after the test;
 *   <li>{@link KinesisClient} and {@link KinesisAsyncClient} configured for the server;
 *   <li>{@link LocalKinesisServer} itself, for its endpoints.
 * </ul>
 *
 * <p>If the server cannot start, every test that uses it fails with the reason; none is skipped.
 *
 * <pre>{@code
 * @ExtendWith(LocalKinesisExtension.class)
 * class MyTest {
 *   @Test
 *   void sends(@TestStream(shards = 2) LocalKinesisStream stream, KinesisClient kinesis) { ... }
 * }
 * }</pre>
 *
 * Register it with {@code @RegisterExtension} and {@link #withServer} for other server settings.
 */
public final class LocalKinesisExtension
    implements BeforeEachCallback, AfterEachCallback, ParameterResolver {
  private static final ExtensionContext.Namespace NAMESPACE =
      ExtensionContext.Namespace.create(LocalKinesisExtension.class);
  private static final AtomicInteger STREAM_COUNTER = new AtomicInteger();

  private final LocalKinesisServer.Builder serverSettings;
  private final String settingsKey;

  /** The extension with the default server settings, for {@code @ExtendWith}. */
  public LocalKinesisExtension() {
    this(LocalKinesisServer.builder(), "default");
  }

  private LocalKinesisExtension(LocalKinesisServer.Builder serverSettings, String settingsKey) {
    this.serverSettings = serverSettings;
    this.settingsKey = settingsKey;
  }

  /**
   * An extension whose server is started from the given settings. Extensions built from equal
   * {@code name}s share one server per JVM.
   */
  public static LocalKinesisExtension withServer(String name, LocalKinesisServer.Builder settings) {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(settings, "settings");
    return new LocalKinesisExtension(settings, "custom:" + name);
  }

  @Override
  public void beforeEach(ExtensionContext context) {
    server(context);
  }

  @Override
  public void afterEach(ExtensionContext context) {
    @SuppressWarnings("unchecked")
    List<String> created = context.getStore(NAMESPACE).get(streamsKey(context), List.class);
    if (created == null) {
      return;
    }
    LocalKinesisServer server = server(context);
    for (String name : created) {
      server.deleteStream(name);
    }
  }

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    Class<?> type = parameter.getParameter().getType();
    return type == LocalKinesisStream.class
        || type == LocalKinesisServer.class
        || type == KinesisClient.class
        || type == KinesisAsyncClient.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    Class<?> type = parameter.getParameter().getType();
    LocalKinesisServer server = server(context);
    if (type == LocalKinesisServer.class) {
      return server;
    } else if (type == KinesisClient.class) {
      return server.client();
    } else if (type == KinesisAsyncClient.class) {
      return server.asyncClient();
    }
    int shards = parameter.findAnnotation(TestStream.class).map(TestStream::shards).orElse(1);
    String name = streamName(context);
    try {
      LocalKinesisStream stream = server.createStream(name, shards);
      @SuppressWarnings("unchecked")
      List<String> created =
          context
              .getStore(NAMESPACE)
              .getOrComputeIfAbsent(streamsKey(context), k -> new ArrayList<String>(), List.class);
      created.add(name);
      return stream;
    } catch (RuntimeException e) {
      throw new ParameterResolutionException(
          "could not create stream " + name + " with " + shards + " shards: " + e.getMessage(), e);
    }
  }

  private LocalKinesisServer server(ExtensionContext context) {
    ServerHolder holder =
        context
            .getRoot()
            .getStore(NAMESPACE)
            .getOrComputeIfAbsent(
                settingsKey, k -> ServerHolder.start(serverSettings), ServerHolder.class);
    return holder.serverOrFail();
  }

  private static String streamsKey(ExtensionContext context) {
    return "streams:" + context.getUniqueId();
  }

  /** A stream name unique in this JVM, readable in logs: test class, method and a counter. */
  private static String streamName(ExtensionContext context) {
    String base =
        context.getRequiredTestClass().getSimpleName()
            + "-"
            + context.getTestMethod().map(m -> m.getName()).orElse("stream");
    String safe = base.replaceAll("[^a-zA-Z0-9_.-]", "_");
    String suffix = "-" + STREAM_COUNTER.incrementAndGet();
    int max = 128 - suffix.length();
    return (safe.length() > max ? safe.substring(0, max) : safe) + suffix;
  }

  /**
   * The shared server, or why it could not start. Kept in the root store, which closes it when the
   * test run ends.
   */
  static final class ServerHolder implements AutoCloseable {
    // One of the two: the server, or why it could not start.
    private final @Nullable LocalKinesisServer server;
    private final @Nullable LocalKinesisException failure;

    private ServerHolder(
        @Nullable LocalKinesisServer server, @Nullable LocalKinesisException failure) {
      this.server = server;
      this.failure = failure;
    }

    static ServerHolder start(LocalKinesisServer.Builder settings) {
      try {
        return new ServerHolder(settings.start(), null);
      } catch (LocalKinesisException e) {
        return new ServerHolder(null, e);
      }
    }

    LocalKinesisServer serverOrFail() {
      if (failure != null) {
        throw new IllegalStateException(
            "the local Kinesis server could not start: " + failure.getMessage(), failure);
      }
      return Objects.requireNonNull(server, "a holder without a failure has a server");
    }

    @Override
    public void close() {
      if (server != null) {
        server.close();
      }
    }
  }
}
