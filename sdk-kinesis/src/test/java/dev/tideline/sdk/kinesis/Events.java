package dev.tideline.sdk.kinesis;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageLite;
import dev.tideline.events.v1.AppLifecycle;
import dev.tideline.events.v1.Click;
import dev.tideline.events.v1.Impression;
import dev.tideline.events.v1.Login;
import dev.tideline.events.v1.Payment;
import dev.tideline.events.v1.ScreenView;
import java.util.Map;

/**
 * Mixed standard events for end-to-end tests, each one unique (its serialized form names the thread
 * and index that logged it), so what arrives can be matched to what was logged.
 */
final class Events {
  private Events() {}

  /** The event number {@code index} of a logging thread: six event types in turn. */
  static MessageLite mixed(int thread, int index) {
    String id = "t" + thread + "-" + index;
    switch (index % 6) {
      case 0:
        return Payment.newBuilder()
            .setOrderId("order-" + id)
            .setAmountMinor(100L + index)
            .setCurrency(index % 2 == 0 ? "EUR" : "GBP")
            .setMethod(Payment.Method.CARD)
            .setStatus(Payment.Status.CAPTURED)
            .setUserId("user-" + (index % 977))
            .build();
      case 1:
        return Login.newBuilder()
            .setUserId("user-" + id)
            .setMethod(Login.Method.PASSKEY)
            .setSuccess(index % 5 != 0)
            .setMfaUsed(index % 3 == 0)
            .build();
      case 2:
        return ScreenView.newBuilder()
            .setScreenName("screen-" + id)
            .setPreviousScreen("home")
            .setLoadTimeMs(index % 1000)
            .build();
      case 3:
        return Click.newBuilder()
            .setElementId("button-" + id)
            .setScreenName("checkout")
            .setX(index % 400)
            .setY(index % 800)
            .build();
      case 4:
        return Impression.newBuilder()
            .setItemId("item-" + id)
            .setItemType("product")
            .setScreenName("search")
            .setPosition(index % 50)
            .setVisibleMs(index % 3000)
            .build();
      default:
        return AppLifecycle.newBuilder()
            .setKind(AppLifecycle.Kind.OPEN)
            .setPreviousVersion("v-" + id)
            .setColdStart(index % 2 == 0)
            .setStartupMs(index % 2000)
            .build();
    }
  }

  /**
   * The "t{thread}-{index}" id an event of {@link #mixed} carries in one of its fields, read back
   * from a decoded event.
   */
  static String idOf(MessageLite event) {
    if (event instanceof Payment) {
      return ((Payment) event).getOrderId().substring("order-".length());
    } else if (event instanceof Login) {
      return ((Login) event).getUserId().substring("user-".length());
    } else if (event instanceof ScreenView) {
      return ((ScreenView) event).getScreenName().substring("screen-".length());
    } else if (event instanceof Click) {
      return ((Click) event).getElementId().substring("button-".length());
    } else if (event instanceof Impression) {
      return ((Impression) event).getItemId().substring("item-".length());
    }
    return ((AppLifecycle) event).getPreviousVersion().substring("v-".length());
  }

  /** The event {@link #mixed} made for an id of {@link #idOf}. */
  static MessageLite mixed(String id) {
    int dash = id.indexOf('-');
    return mixed(Integer.parseInt(id.substring(1, dash)), Integer.parseInt(id.substring(dash + 1)));
  }

  /**
   * A click with this {@link #idOf id} whose element text has this many ASCII characters: for
   * events of an exact size.
   */
  static Click sized(String id, int textLength) {
    return Click.newBuilder()
        .setElementId("button-" + id)
        .setScreenName("sized")
        .setElementText("x".repeat(textLength))
        .build();
  }

  /** Parses a payload of one of the standard event types. */
  static MessageLite parse(String eventType, ByteString payload)
      throws InvalidProtocolBufferException {
    return PARSERS.get(eventType).parse(payload);
  }

  private interface Parser {
    MessageLite parse(ByteString payload) throws InvalidProtocolBufferException;
  }

  private static final Map<String, Parser> PARSERS =
      Map.of(
          "tideline.events.v1.Payment", Payment::parseFrom,
          "tideline.events.v1.Login", Login::parseFrom,
          "tideline.events.v1.ScreenView", ScreenView::parseFrom,
          "tideline.events.v1.Click", Click::parseFrom,
          "tideline.events.v1.Impression", Impression::parseFrom,
          "tideline.events.v1.AppLifecycle", AppLifecycle::parseFrom);
}
