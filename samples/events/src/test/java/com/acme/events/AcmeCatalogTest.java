package com.acme.events;

import static org.assertj.core.api.Assertions.assertThat;

import com.acme.events.shop.v1.CartViewed;
import com.acme.events.shop.v1.CheckoutStarted;
import dev.tideline.proto.v1.CatalogEntry;
import dev.tideline.proto.v1.PiiClass;
import dev.tideline.schema.SchemaRegistry;
import org.junit.jupiter.api.Test;

/** A company's own catalog sits beside Tideline's on the classpath and both are found. */
class AcmeCatalogTest {
  private final SchemaRegistry registry = SchemaRegistry.fromClasspath();

  @Test
  void theCompanysEventsAndTheStandardEventsAreBothRegistered() {
    assertThat(registry.eventTypes())
        .contains(
            "acme.shop.v1.CartViewed", "acme.shop.v1.CheckoutStarted", "tideline.events.v1.Payment")
        .doesNotContain("acme.shop.v1.CartLine");
  }

  @Test
  void generatedClassesResolveToTheirEntriesWithRulesAndPii() {
    CatalogEntry cart = registry.forClass(CartViewed.class);
    assertThat(cart.getMeta().getOwner()).isEqualTo("acme-checkout");
    assertThat(cart.getFieldsList())
        .anySatisfy(
            f -> {
              assertThat(f.getPath()).isEqualTo("lines[].quantity");
              assertThat(f.getRules().getMin()).isEqualTo(1.0);
            });
    CatalogEntry checkout = registry.forClass(CheckoutStarted.class);
    assertThat(checkout.getFieldsList())
        .anySatisfy(
            f -> {
              assertThat(f.getPath()).isEqualTo("email");
              assertThat(f.getMeta().getPii()).isEqualTo(PiiClass.PII_CONTACT);
            });
    assertThat(registry.byId(cart.getSchemaId())).isEqualTo(cart);
  }
}
