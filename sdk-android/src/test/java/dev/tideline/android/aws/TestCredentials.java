package dev.tideline.android.aws;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A credentials provider for tests that hands out a new set of temporary credentials after each
 * {@link #refresh()}, and records on which threads it was called.
 */
final class TestCredentials implements CredentialsProvider {
  private final AtomicInteger generation = new AtomicInteger(1);
  private final AtomicInteger refreshes = new AtomicInteger();
  private final List<String> threads = Collections.synchronizedList(new ArrayList<>());
  private final List<AwsCredentials> issued = Collections.synchronizedList(new ArrayList<>());
  private volatile IOException failure;

  @Override
  public AwsCredentials credentials() throws IOException {
    threads.add(Thread.currentThread().getName());
    if (failure != null) {
      throw failure;
    }
    AwsCredentials credentials = of(generation.get());
    issued.add(credentials);
    return credentials;
  }

  @Override
  public void refresh() {
    refreshes.incrementAndGet();
    generation.incrementAndGet();
  }

  /** The credentials of one generation: unmistakable strings, so a leak is easy to find. */
  static AwsCredentials of(int generation) {
    return AwsCredentials.create(
        "ASIATESTKEYID" + generation + "XYZ",
        "testSecretKey/" + generation + "+wJalrXUtnFEMIK7MDENGbPxRfiCY",
        "testSessionToken" + generation + "IQoJb3JpZ2luX2VjEPj//////////wEaCXVzLWVhc3QtMSJH",
        Long.MAX_VALUE);
  }

  void failWith(IOException failure) {
    this.failure = failure;
  }

  int refreshes() {
    return refreshes.get();
  }

  List<String> threads() {
    return new ArrayList<>(threads);
  }

  List<AwsCredentials> issued() {
    return new ArrayList<>(issued);
  }
}
