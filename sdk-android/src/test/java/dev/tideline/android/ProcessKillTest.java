package dev.tideline.android;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tideline.proto.v1.Envelope;
import dev.tideline.sdk.LogReceipt;
import dev.tideline.sdk.SpoolAccess;
import dev.tideline.sdk.Tracker;
import dev.tideline.sdk.sink.InMemorySink;
import dev.tideline.sdk.testkit.FaultInjectingSink;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.Rule;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.robolectric.RobolectricTestRunner;
import org.robolectric.annotation.Config;

/** An app killed while offline loses nothing: the next start sends what the spool kept. */
@RunWith(RobolectricTestRunner.class)
@Config(sdk = {24, 34})
public class ProcessKillTest {
  @Rule public final TidelineRule rule = new TidelineRule();

  @Test
  public void eventsLoggedBeforeAKillArriveOnceAfterTheNextInit() throws Exception {
    FaultInjectingSink offline = FaultInjectingSink.wrap(InMemorySink.create()).holdCalls();
    Tideline first = rule.initReady(rule.quiet().sink(offline).installEvents(false).build());
    LogReceipt last = null;
    for (int i = 0; i < 50; i++) {
      first.log(TidelineRule.click("k" + i));
    }
    last = first.logDurably(TidelineRule.click("durable")).value();
    assertThat(last.written().await(20, TimeUnit.SECONDS)).isTrue();
    byte[] producer = first.tracker().producerId();

    Tracker dropped = first.abandon(); // the process dies: no close, no flush
    SpoolAccess.kill(dropped);

    Tideline second = rule.initReady(rule.quiet().build());
    second.log(TidelineRule.click("after"));
    assertThat(second.flush().await(20, TimeUnit.SECONDS)).isTrue();

    List<String> expected = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      expected.add("k" + i);
    }
    expected.add("durable");
    expected.add("after");
    assertThat(rule.clicks()).containsExactlyElementsOf(expected);
    List<Long> sequences = new ArrayList<>();
    for (Envelope envelope : rule.stored("Click")) {
      assertThat(envelope.getProducerId().toByteArray()).isEqualTo(producer);
      sequences.add(envelope.getSequence());
    }
    assertThat(sequences).isSorted().doesNotHaveDuplicates();
    assertThat(Arrays.equals(second.tracker().producerId(), producer)).isTrue();
  }
}
