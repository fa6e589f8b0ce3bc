package com.example.shop;

import dev.tideline.sdk.PartitionKeyStrategy;
import dev.tideline.sdk.Tracker;
import dev.tideline.sdk.kinesis.KinesisSink;
import java.util.concurrent.TimeUnit;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;

/**
 * Logs a few orders to the Kinesis stream named by the first argument, with the AWS SDK's default
 * region and credentials (set AWS_REGION and credentials as for any AWS SDK program).
 */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    String stream = args.length > 0 ? args[0] : "client-events";
    KinesisAsyncClient kinesis =
        KinesisAsyncClient.builder()
            .overrideConfiguration(KinesisSink.recommendedClientConfiguration())
            .build();
    Tracker tracker =
        Tracker.builder()
            .streamName(stream)
            .sink(KinesisSink.create(kinesis))
            .partitionKeys(PartitionKeyStrategy.perProducer())
            .build();
    OrderService orders = new OrderService(tracker);
    for (int i = 0; i < 10; i++) {
      String id = String.format("o-%06d", i);
      orders.place(id, 1_999, "EUR", "customer" + i + "@example.com");
      orders.ship(id, "parcel-co");
    }
    tracker.close(10, TimeUnit.SECONDS).await(15, TimeUnit.SECONDS);
    System.out.println(tracker.metrics());
  }
}
