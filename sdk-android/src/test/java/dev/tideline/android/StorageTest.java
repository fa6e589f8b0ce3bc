package dev.tideline.android;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tideline.sdk.LogReceipt;
import dev.tideline.sdk.SpoolAccess;
import dev.tideline.sdk.SpoolConfig;
import dev.tideline.sdk.Tracker;
import dev.tideline.sdk.sink.InMemorySink;
import dev.tideline.sdk.testkit.FaultInjectingSink;
import java.io.File;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.util.concurrent.TimeUnit;
import org.junit.Rule;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.robolectric.RobolectricTestRunner;
import org.robolectric.annotation.Config;

/**
 * Storage trouble never reaches the app: each case is counted, reported to the listener, and the
 * events are kept in memory and delivered.
 */
@RunWith(RobolectricTestRunner.class)
@Config(sdk = {24, 34})
public class StorageTest {
  @Rule public final TidelineRule rule = new TidelineRule();

  private File spoolDir() {
    return new File(rule.app().getNoBackupFilesDir(), Tideline.SPOOL_DIRECTORY);
  }

  private static void deleteTree(File file) {
    File[] children = file.listFiles();
    if (children != null) {
      for (File child : children) {
        deleteTree(child);
      }
    }
    file.delete();
  }

  private void logAndDeliver(Tideline tideline, int n, String prefix) {
    for (int i = 0; i < n; i++) {
      assertThat(tideline.log(TidelineRule.click(prefix + i)).isAccepted()).isTrue();
    }
    assertThat(tideline.flush().await(20, TimeUnit.SECONDS)).isTrue();
  }

  @Test
  public void aSpoolDirectoryThatIsAFileFallsBackToMemory() throws IOException {
    File dir = spoolDir();
    dir.getParentFile().mkdirs();
    assertThat(dir.createNewFile()).isTrue();

    Tideline tideline = rule.initReady(rule.quiet().build());
    logAndDeliver(tideline, 5, "m");

    assertThat(rule.clicks()).hasSize(5);
    assertThat(tideline.storageProblems()).isPositive();
    assertThat(rule.storageProblems).anySatisfy(p -> assertThat(p).contains(dir.getPath()));
    assertThat(tideline.metrics().spool()).isNull();
  }

  @Test
  public void aSpoolDirectoryDeletedAtRunTimeIsReportedAndLoggingGoesOn() {
    Tideline tideline = rule.initReady(rule.quiet().build());
    logAndDeliver(tideline, 5, "before");
    deleteTree(spoolDir());
    logAndDeliver(tideline, 5, "after");

    await().atMost(20, TimeUnit.SECONDS).until(() -> rule.clicks().size() == 10);
    await().atMost(20, TimeUnit.SECONDS).until(() -> tideline.storageProblems() > 0);
    assertThat(rule.storageProblems).isNotEmpty();
  }

  @Test
  public void aFullDiskIsReportedAndLoggingGoesOn() {
    File dir = new File(rule.app().getCacheDir(), "full");
    Tideline tideline =
        rule.initReady(rule.quiet().spool(SpoolAccess.fullAfter(dir, 2_000)).build());
    logAndDeliver(tideline, 200, "e");

    await().atMost(20, TimeUnit.SECONDS).until(() -> rule.clicks().size() == 200);
    assertThat(tideline.metrics().spool().writeFailures()).isPositive();
    assertThat(rule.storageProblems).anySatisfy(p -> assertThat(p).contains("No space left"));
  }

  @Test
  public void aCorruptSegmentIsSkippedAndCountedAtTheNextStart() throws Exception {
    FaultInjectingSink offline = FaultInjectingSink.wrap(InMemorySink.create()).holdCalls();
    Tideline first = rule.initReady(rule.quiet().sink(offline).installEvents(false).build());
    LogReceipt last = null;
    for (int i = 0; i < 20; i++) {
      last = first.logDurably(TidelineRule.click("c" + i)).value();
    }
    assertThat(last.written().await(20, TimeUnit.SECONDS)).isTrue();
    Tracker tracker = first.abandon();
    SpoolAccess.kill(tracker);

    File[] segments = spoolDir().listFiles((d, name) -> name.endsWith(".seg"));
    assertThat(segments).as(java.util.Arrays.toString(spoolDir().list())).isNotEmpty();
    File segment = segments[0];
    try (RandomAccessFile file = new RandomAccessFile(segment, "rw")) {
      long middle = file.length() / 2;
      file.seek(middle);
      int b = file.read();
      file.seek(middle);
      file.write(b ^ 0xFF);
    }

    Tideline second = rule.initReady(rule.quiet().build());
    second.log(TidelineRule.click("next"));
    assertThat(second.flush().await(20, TimeUnit.SECONDS)).isTrue();

    assertThat(second.metrics().spool().corruptRegions()).isPositive();
    assertThat(rule.clicks()).contains("next").hasSizeBetween(19, 20);
    // The region is counted before the listener hears of it, on another thread: wait for it.
    await().atMost(20, TimeUnit.SECONDS).until(() -> !rule.storageProblems.isEmpty());
  }

  @Test
  public void aSpoolHeldByAnotherTrackerFallsBackToMemory() {
    Tracker other =
        Tracker.builder()
            .streamName("other")
            .sink(InMemorySink.create())
            .spool(SpoolConfig.builder(spoolDir()).build())
            .build();
    try {
      Tideline tideline = rule.initReady(rule.quiet().build());
      logAndDeliver(tideline, 3, "m");
      assertThat(rule.clicks()).hasSize(3);
      assertThat(rule.storageProblems).anySatisfy(p -> assertThat(p).contains("held by another"));
    } finally {
      other.close(1, TimeUnit.SECONDS).await(5, TimeUnit.SECONDS);
    }
  }
}
