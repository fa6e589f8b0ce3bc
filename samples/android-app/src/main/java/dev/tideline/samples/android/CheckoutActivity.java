package dev.tideline.samples.android;

import android.app.Activity;
import android.os.Bundle;
import android.widget.Button;
import android.widget.LinearLayout;
import dev.tideline.android.Tideline;
import dev.tideline.events.v1.Click;
import dev.tideline.events.v1.Payment;

/**
 * A checkout screen: a tap is logged as a {@code Click}, a purchase as a {@code Payment} that must
 * not be lost ({@code logDurably}). Screen views, opens, background and foreground are logged by
 * Tideline on its own. Every call here is cheap and safe on the main thread.
 */
public final class CheckoutActivity extends Activity {
  private static final String SCREEN = "checkout";

  @Override
  protected void onCreate(Bundle savedInstanceState) {
    super.onCreate(savedInstanceState);
    Button pay = new Button(this);
    pay.setText("Pay 12.50 EUR");
    pay.setOnClickListener(view -> onPay());
    LinearLayout layout = new LinearLayout(this);
    layout.addView(pay);
    setContentView(layout);
  }

  private void onPay() {
    // Null only before SampleApplication initializes it and after close: nothing to log to then.
    Tideline tideline = Tideline.get();
    if (tideline == null) {
      return;
    }
    tideline.log(Click.newBuilder().setElementId("pay").setScreenName(SCREEN).build());
    // ... the app's payment call, then:
    tideline.logDurably(
        Payment.newBuilder()
            .setOrderId("order-" + System.currentTimeMillis())
            .setAmountMinor(1250)
            .setCurrency("EUR")
            .setMethod(Payment.Method.CARD)
            .setStatus(Payment.Status.CAPTURED)
            .build());
  }
}
