package com.example.shop;

import com.example.shop.events.OrderPlaced;
import com.example.shop.events.OrderShipped;
import dev.tideline.sdk.LogOutcome;
import dev.tideline.sdk.Tracker;

/** The shop's order service: it logs an event at each step of an order. */
public final class OrderService {
  private final Tracker tracker;

  public OrderService(Tracker tracker) {
    this.tracker = tracker;
  }

  /** Places an order; the event is logged without blocking and never throws. */
  public LogOutcome place(String orderId, long amountMinor, String currency, String email) {
    return tracker.log(
        OrderPlaced.newBuilder()
            .setOrderId(orderId)
            .setAmountMinor(amountMinor)
            .setCurrency(currency)
            .setCustomerEmail(email)
            .build());
  }

  /** Ships an order. */
  public LogOutcome ship(String orderId, String carrier) {
    return tracker.log(OrderShipped.newBuilder().setOrderId(orderId).setCarrier(carrier).build());
  }
}
