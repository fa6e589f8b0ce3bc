package dev.tideline.sdk;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tideline.proto.v1.Envelope;
import dev.tideline.sdk.sink.InMemorySink;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The real worker thread and four logging threads: everything arrives exactly once. */
class ConcurrencyTest {
  @Test
  void eventsLoggedFromFourThreadsArriveExactlyOnce() throws Exception {
    InMemorySink sink = InMemorySink.withShards(4);
    Tracker tracker =
        Tracker.builder()
            .streamName("events")
            .sink(sink)
            .registry(Harness.REGISTRY)
            .bufferPolicy(BufferPolicy.BLOCK)
            .blockTimeout(30, TimeUnit.SECONDS)
            .rateLimitFactor(10)
            .lingerTime(20, TimeUnit.MILLISECONDS)
            .auditPeriod(0, TimeUnit.SECONDS)
            .build();
    int perThread = 25_000;
    CountDownLatch start = new CountDownLatch(1);
    List<Thread> threads = new ArrayList<>();
    List<Integer> refused = new ArrayList<>();
    for (int t = 0; t < 4; t++) {
      final int offset = t * perThread;
      Thread thread =
          new Thread(
              () -> {
                try {
                  start.await();
                } catch (InterruptedException e) {
                  return;
                }
                for (int i = 0; i < perThread; i++) {
                  if (tracker.log(Harness.payment(offset + i)) != LogOutcome.ACCEPTED) {
                    synchronized (refused) {
                      refused.add(offset + i);
                    }
                  }
                }
              });
      thread.start();
      threads.add(thread);
    }
    start.countDown();
    for (Thread thread : threads) {
      thread.join();
    }
    assertThat(tracker.flush().await(60, TimeUnit.SECONDS)).isTrue();
    assertThat(tracker.close(10, TimeUnit.SECONDS).await(20, TimeUnit.SECONDS)).isTrue();

    assertThat(refused).isEmpty();
    List<Envelope> envelopes = sink.storedEnvelopes();
    assertThat(envelopes).hasSize(4 * perThread);
    Set<Long> sequences = new HashSet<>();
    Set<String> orders = new HashSet<>();
    for (Envelope envelope : envelopes) {
      sequences.add(envelope.getSequence());
      orders.add(dev.tideline.events.v1.Payment.parseFrom(envelope.getPayload()).getOrderId());
    }
    assertThat(sequences).hasSize(4 * perThread);
    assertThat(orders).hasSize(4 * perThread);
    assertThat(sink.violations()).isEmpty();
    TrackerMetrics metrics = tracker.metrics();
    assertThat(metrics.eventsSent()).isEqualTo(4 * perThread);
    assertThat(metrics.eventsDropped()).isZero();
    assertThat(metrics.bufferedBytes()).isZero();
    assertThat(metrics.recordsSent()).isLessThan(1000);
  }
}
