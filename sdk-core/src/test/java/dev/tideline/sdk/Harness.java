package dev.tideline.sdk;

import dev.tideline.events.v1.Click;
import dev.tideline.events.v1.Payment;
import dev.tideline.events.v1.ProducerAudit;
import dev.tideline.proto.v1.Catalog;
import dev.tideline.proto.v1.CatalogEntry;
import dev.tideline.proto.v1.SchemaFormat;
import dev.tideline.schema.SchemaRegistry;
import dev.tideline.sdk.sink.InMemorySink;
import dev.tideline.sdk.testkit.FaultInjectingSink;
import dev.tideline.sdk.testkit.ManualClock;
import dev.tideline.sdk.testkit.ManualScheduler;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A tracker on a manual clock and scheduler, writing through a fault-injecting sink to an in-memory
 * sink, for tests.
 */
final class Harness {
  static final long PAYMENT_SCHEMA_ID = 0x1111_2222_3333_4444L;
  static final long CLICK_SCHEMA_ID = 0x5555_6666_7777_8888L;
  static final long AUDIT_SCHEMA_ID = 0x0A0D_1700_0000_0001L;

  static final SchemaRegistry REGISTRY =
      SchemaRegistry.of(
          Catalog.newBuilder()
              .addEntries(entry("tideline.events.v1.Payment", PAYMENT_SCHEMA_ID, Payment.class))
              .addEntries(entry("tideline.events.v1.Click", CLICK_SCHEMA_ID, Click.class))
              .addEntries(
                  entry("tideline.events.v1.ProducerAudit", AUDIT_SCHEMA_ID, ProducerAudit.class))
              .build());

  final ManualClock clock = new ManualClock();
  final ManualScheduler scheduler = new ManualScheduler(clock);

  /** What reached "Kinesis". */
  final InMemorySink sink;

  /** The tracker's sink: faults and held calls in front of {@link #sink}; every call it made. */
  final FaultInjectingSink faults;

  final RecordingListener listener = new RecordingListener();

  Harness(InMemorySink sink) {
    this.sink = sink;
    this.faults = FaultInjectingSink.wrap(sink);
  }

  Harness() {
    this(InMemorySink.create());
  }

  static CatalogEntry entry(String type, long id, Class<?> javaClass) {
    return CatalogEntry.newBuilder()
        .setEventType(type)
        .setFormat(SchemaFormat.PROTOBUF)
        .setSchemaId(id)
        .setVersion(1)
        .setReleased(true)
        .setJavaClass(javaClass.getName())
        .build();
  }

  /** A builder with the harness's clock, scheduler, registry, sink and listener; no audit. */
  TrackerBuilder builder() {
    return Tracker.builder()
        .streamName("events")
        .sink(faults)
        .registry(REGISTRY)
        .clock(clock)
        .scheduler(scheduler)
        .listener(listener)
        .auditPeriod(0, TimeUnit.SECONDS);
  }

  /** Builds the tracker and lets it load the shard map and record size. */
  Tracker start(TrackerBuilder builder) {
    Tracker tracker = builder.build();
    scheduler.runDue();
    return tracker;
  }

  static Payment payment(int i) {
    return Payment.newBuilder()
        .setOrderId("order-" + i)
        .setAmountMinor(100 + i)
        .setCurrency("EUR")
        .setMethod(Payment.Method.CARD)
        .setStatus(Payment.Status.CAPTURED)
        .build();
  }

  /** A payment whose provider reference pads it to roughly the given payload size. */
  static Payment paymentOfSize(int i, int referenceLength) {
    StringBuilder reference = new StringBuilder(referenceLength);
    for (int k = 0; k < referenceLength; k++) {
      reference.append((char) ('a' + (k % 26)));
    }
    return payment(i).toBuilder().setProviderReference(reference.toString()).build();
  }

  /** Records every listener call. Thread-safe. */
  static final class RecordingListener implements TrackerListener {
    final List<String> rejections = Collections.synchronizedList(new ArrayList<String>());
    final List<TrackedEvent> acknowledged =
        Collections.synchronizedList(new ArrayList<TrackedEvent>());
    final List<TrackedEvent> dropped = Collections.synchronizedList(new ArrayList<TrackedEvent>());
    final List<DropReason> dropReasons = Collections.synchronizedList(new ArrayList<DropReason>());
    final List<TrackedEvent> deadLettered =
        Collections.synchronizedList(new ArrayList<TrackedEvent>());
    final List<String> deadLetterCauses = Collections.synchronizedList(new ArrayList<String>());

    @Override
    public void onRejected(LogOutcome outcome, String eventType, String detail) {
      rejections.add(outcome + " " + eventType + ": " + detail);
    }

    @Override
    public void onAcknowledged(List<TrackedEvent> events) {
      acknowledged.addAll(events);
    }

    @Override
    public void onDropped(List<TrackedEvent> events, DropReason reason, String detail) {
      dropped.addAll(events);
      for (int i = 0; i < events.size(); i++) {
        dropReasons.add(reason);
      }
    }

    @Override
    public void onDeadLettered(
        List<TrackedEvent> events, DropReason reason, String lastErrorCode, String message) {
      deadLettered.addAll(events);
      deadLetterCauses.add(reason + " " + lastErrorCode);
    }
  }
}
