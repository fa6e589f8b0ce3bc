package dev.tideline.sdk.kinesis.proxy;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A loopback TCP port whose behaviour the test switches, below HTTP and TLS: {@linkplain
 * Mode#CLOSED not listening} (connections are refused), {@linkplain Mode#GARBAGE speaking garbage}
 * (every connection gets bytes that are neither HTTP nor TLS, then is closed), or {@linkplain
 * Mode#RELAY relaying} byte for byte to a target (a Kinesis endpoint, plain or TLS). For faults the
 * {@link FaultInjectingProxy}, an HTTP server, cannot make: an endpoint that is down, and a TLS
 * handshake that fails.
 *
 * <p>The port is chosen once, free at the time, and kept across modes, so a client keeps its
 * endpoint while the port goes down and comes back. Thread-safe.
 */
public final class LoopbackPort implements AutoCloseable {
  /** What the port does with connections. */
  public enum Mode {
    /** Nothing listens: connections are refused. */
    CLOSED,
    /** Accepts, answers bytes that are neither HTTP nor TLS, and closes. */
    GARBAGE,
    /** Relays every connection to the target. */
    RELAY
  }

  private static final byte[] GARBAGE =
      "\u0000\u00ff\u0013garbage, neither HTTP nor TLS\r\n\r\n"
          .getBytes(StandardCharsets.ISO_8859_1);

  private final int port;
  private final InetSocketAddress target;
  private final List<Socket> sockets = new CopyOnWriteArrayList<>();
  private final AtomicInteger connections = new AtomicInteger();

  // Guarded by this.
  private Mode mode = Mode.CLOSED;
  private ServerSocket listening;

  private LoopbackPort(int port, URI target) {
    this.port = port;
    this.target = new InetSocketAddress(target.getHost(), target.getPort());
  }

  /**
   * A free loopback port, {@link Mode#CLOSED}, that relays to the target's host and port when
   * switched to {@link Mode#RELAY}.
   */
  public static LoopbackPort reserve(URI target) {
    Objects.requireNonNull(target, "target");
    try (ServerSocket probe = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      return new LoopbackPort(probe.getLocalPort(), target);
    } catch (IOException e) {
      throw new UncheckedIOException("no free loopback port", e);
    }
  }

  /** The endpoint to give a Kinesis client, with this scheme ({@code http} or {@code https}). */
  public URI endpoint(String scheme) {
    return URI.create(scheme + "://127.0.0.1:" + port);
  }

  /** Connections accepted so far, in every mode. */
  public int connections() {
    return connections.get();
  }

  /**
   * Switches the mode: going to {@link Mode#CLOSED} stops listening and closes every open
   * connection; leaving it listens again on the same port.
   */
  public synchronized LoopbackPort mode(Mode next) {
    Objects.requireNonNull(next, "next");
    if (next == Mode.CLOSED) {
      stopListening();
    } else if (listening == null) {
      listen();
    }
    this.mode = next;
    return this;
  }

  @Override
  public synchronized void close() {
    stopListening();
    mode = Mode.CLOSED;
  }

  private synchronized Mode currentMode() {
    return mode;
  }

  private void listen() {
    try {
      ServerSocket server = new ServerSocket();
      server.setReuseAddress(true);
      server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 50);
      listening = server;
      daemon("loopback-port-" + port, () -> accept(server)).start();
    } catch (IOException e) {
      throw new UncheckedIOException("could not listen on loopback port " + port, e);
    }
  }

  private void stopListening() {
    if (listening != null) {
      closeQuietly(listening);
      listening = null;
    }
    sockets.forEach(LoopbackPort::closeQuietly);
    sockets.clear();
  }

  private void accept(ServerSocket server) {
    while (!server.isClosed()) {
      Socket client;
      try {
        client = server.accept();
      } catch (IOException e) {
        return; // closed
      }
      connections.incrementAndGet();
      sockets.add(client);
      if (currentMode() == Mode.GARBAGE) {
        try (client) {
          client.getOutputStream().write(GARBAGE);
          client.getOutputStream().flush();
        } catch (IOException e) {
          // The client gave up first: just as good.
        }
        continue;
      }
      try {
        Socket upstream = new Socket(target.getAddress(), target.getPort());
        sockets.add(upstream);
        daemon("loopback-port-up", () -> pipe(client, upstream)).start();
        daemon("loopback-port-down", () -> pipe(upstream, client)).start();
      } catch (IOException e) {
        closeQuietly(client);
      }
    }
  }

  private void pipe(Socket from, Socket to) {
    byte[] buffer = new byte[16 * 1024];
    try {
      InputStream in = from.getInputStream();
      OutputStream out = to.getOutputStream();
      for (int n; (n = in.read(buffer)) >= 0; ) {
        out.write(buffer, 0, n);
        out.flush();
      }
    } catch (IOException e) {
      // One side closed.
    } finally {
      closeQuietly(from);
      closeQuietly(to);
      sockets.remove(from);
      sockets.remove(to);
    }
  }

  private static Thread daemon(String name, Runnable runnable) {
    Thread thread = new Thread(runnable, name);
    thread.setDaemon(true);
    return thread;
  }

  private static void closeQuietly(AutoCloseable closeable) {
    try {
      closeable.close();
    } catch (Exception e) {
      // Closing is best effort.
    }
  }
}
