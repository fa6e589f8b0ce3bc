package dev.tideline.benchmarks.compare;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * TLS terminators on loopback, for the KPL, whose native daemon speaks only TLS: a self-signed
 * certificate for 127.0.0.1 made with {@code openssl}, and one {@code socat} process per terminated
 * port, which decrypts and forwards to a plain HTTP server on loopback. socat is the Debian package
 * {@code socat} ({@code apt-get install -y socat}); openssl is on every Debian.
 *
 * <p>socat forks a process per connection; none of it belongs to a producer's process tree, so its
 * CPU time counts for nobody. Not thread-safe.
 */
final class LoopbackTls implements AutoCloseable {
  static final String SOCAT = "/usr/bin/socat";
  static final String OPENSSL = "/usr/bin/openssl";

  private final Path certificate;
  private final Path key;
  private final List<Process> terminators = new ArrayList<>();

  private LoopbackTls(Path certificate, Path key) {
    this.certificate = certificate;
    this.key = key;
  }

  /**
   * Makes a certificate in {@code directory}.
   *
   * @throws IllegalStateException if socat or openssl is missing, or openssl fails
   */
  static LoopbackTls create(Path directory) throws IOException, InterruptedException {
    for (String tool : new String[] {SOCAT, OPENSSL}) {
      if (!Files.isExecutable(Path.of(tool))) {
        throw new IllegalStateException(
            tool
                + " is missing: the KPL's TLS endpoints on loopback need it (Debian: apt-get"
                + " install -y socat openssl)");
      }
    }
    Path certificate = directory.resolve("loopback-cert.pem");
    Path key = directory.resolve("loopback-key.pem");
    Process openssl =
        new ProcessBuilder(
                OPENSSL,
                "req",
                "-x509",
                "-newkey",
                "rsa:2048",
                "-nodes",
                "-days",
                "2",
                "-subj",
                "/CN=127.0.0.1",
                "-addext",
                "subjectAltName=IP:127.0.0.1",
                "-keyout",
                key.toString(),
                "-out",
                certificate.toString())
            .redirectErrorStream(true)
            .redirectOutput(directory.resolve("openssl.log").toFile())
            .start();
    if (!openssl.waitFor(1, TimeUnit.MINUTES) || openssl.exitValue() != 0) {
      throw new IllegalStateException(
          "openssl could not make a certificate; see " + directory.resolve("openssl.log"));
    }
    return new LoopbackTls(certificate, key);
  }

  /**
   * Starts a terminator that accepts TLS on a free loopback port and forwards to {@code
   * backendPort} on loopback in plain text.
   *
   * @return the TLS port, once it accepts connections
   */
  int terminate(int backendPort) throws IOException, InterruptedException {
    int port = freePort();
    Process socat =
        new ProcessBuilder(
                SOCAT,
                "OPENSSL-LISTEN:"
                    + port
                    + ",bind=127.0.0.1,reuseaddr,fork,verify=0,cert="
                    + certificate
                    + ",key="
                    + key,
                "TCP:127.0.0.1:" + backendPort)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .start();
    terminators.add(socat);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (true) {
      try (Socket probe = new Socket(InetAddress.getLoopbackAddress(), port)) {
        probe.shutdownOutput(); // connected: the terminator listens
        return port;
      } catch (IOException notYet) {
        if (!socat.isAlive() || System.nanoTime() > deadline) {
          throw new IllegalStateException("socat did not listen on port " + port, notYet);
        }
        Thread.sleep(20);
      }
    }
  }

  /** A port free on loopback now. */
  static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  /** Stops every terminator and the processes they forked. */
  @Override
  public void close() {
    for (Process socat : terminators) {
      socat.descendants().forEach(ProcessHandle::destroy);
      socat.destroy();
    }
  }
}
