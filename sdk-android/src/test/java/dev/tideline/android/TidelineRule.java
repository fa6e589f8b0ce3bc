package dev.tideline.android;

import android.app.Application;
import dev.tideline.events.v1.Click;
import dev.tideline.proto.v1.Envelope;
import dev.tideline.schema.SchemaRegistry;
import dev.tideline.sdk.TrackerListener;
import dev.tideline.sdk.sink.InMemorySink;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.rules.ExternalResource;
import org.robolectric.RuntimeEnvironment;

/**
 * Starts Tideline under Robolectric with an in-memory sink and a listener that records storage
 * problems, and closes it after each test (Robolectric keeps static fields between tests).
 */
final class TidelineRule extends ExternalResource {
  /** Names each envelope's event type from its schema id. */
  private static final SchemaRegistry EVENT_TYPES = SchemaRegistry.fromClasspath();

  final InMemorySink sink = InMemorySink.create();
  final List<String> storageProblems = new CopyOnWriteArrayList<>();
  final TrackerListener listener =
      new TrackerListener() {
        @Override
        public void onStorageProblem(String detail) {
          storageProblems.add(detail);
        }
      };

  Application app() {
    return RuntimeEnvironment.getApplication();
  }

  /** A configuration that sends only when asked (no linger, no periodic flush). */
  TidelineConfig.Builder quiet() {
    return TidelineConfig.builder()
        .streamName("app-events")
        .sink(sink)
        .listener(listener)
        .flushInterval(0, TimeUnit.MILLISECONDS)
        .trackerOptions(b -> b.lingerTime(1, TimeUnit.HOURS).auditPeriod(0, TimeUnit.MILLISECONDS));
  }

  Tideline init(TidelineConfig config) {
    return Tideline.init(app(), config);
  }

  Tideline initReady(TidelineConfig config) {
    Tideline tideline = init(config);
    if (!tideline.ready().await(20, TimeUnit.SECONDS)) {
      throw new AssertionError("Tideline was not ready within 20 s");
    }
    return tideline;
  }

  static Click click(String id) {
    return Click.newBuilder().setElementId(id).setScreenName("test").build();
  }

  /** The envelopes the sink stored, of one event type (the simple name, e.g. "Click"). */
  List<Envelope> stored(String type) {
    return sink.storedEnvelopes().stream()
        .filter(e -> EVENT_TYPES.eventType(e).equals("tideline.events.v1." + type))
        .collect(Collectors.toList());
  }

  /** The element ids of the stored clicks, in order. */
  List<String> clicks() {
    List<String> ids = new ArrayList<>();
    for (Envelope envelope : stored("Click")) {
      try {
        ids.add(Click.parseFrom(envelope.getPayload()).getElementId());
      } catch (com.google.protobuf.InvalidProtocolBufferException e) {
        throw new AssertionError(e);
      }
    }
    return ids;
  }

  @Override
  protected void after() {
    Tideline tideline = Tideline.get();
    if (tideline != null) {
      tideline.close(5, TimeUnit.SECONDS).await(10, TimeUnit.SECONDS);
    }
  }
}
