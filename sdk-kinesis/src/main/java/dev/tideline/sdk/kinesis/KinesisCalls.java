package dev.tideline.sdk.kinesis;

import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.function.Supplier;
import software.amazon.awssdk.retries.api.RetryStrategy;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.DescribeStreamSummaryRequest;
import software.amazon.awssdk.services.kinesis.model.DescribeStreamSummaryResponse;
import software.amazon.awssdk.services.kinesis.model.ListShardsRequest;
import software.amazon.awssdk.services.kinesis.model.ListShardsResponse;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequest;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResponse;

/**
 * The three Kinesis calls the sink makes, over either client: one sink implementation serves both
 * the asynchronous and the synchronous AWS SDK client. Never throws: failures complete the future.
 */
interface KinesisCalls {
  CompletableFuture<PutRecordsResponse> putRecords(PutRecordsRequest request);

  CompletableFuture<ListShardsResponse> listShards(ListShardsRequest request);

  CompletableFuture<DescribeStreamSummaryResponse> describeStreamSummary(
      DescribeStreamSummaryRequest request);

  /** How many attempts the client's own retry strategy makes per call, when it says. */
  OptionalInt clientMaxAttempts();

  /** Closes the client (only when the sink owns it) and any executor the sink made. */
  void close(boolean closeClient);

  static KinesisCalls of(KinesisAsyncClient client) {
    return new KinesisCalls() {
      @Override
      public CompletableFuture<PutRecordsResponse> putRecords(PutRecordsRequest request) {
        return call(() -> client.putRecords(request));
      }

      @Override
      public CompletableFuture<ListShardsResponse> listShards(ListShardsRequest request) {
        return call(() -> client.listShards(request));
      }

      @Override
      public CompletableFuture<DescribeStreamSummaryResponse> describeStreamSummary(
          DescribeStreamSummaryRequest request) {
        return call(() -> client.describeStreamSummary(request));
      }

      @Override
      public OptionalInt clientMaxAttempts() {
        return maxAttempts(
            () -> client.serviceClientConfiguration().overrideConfiguration().retryStrategy());
      }

      @Override
      public void close(boolean closeClient) {
        if (closeClient) {
          client.close();
        }
      }
    };
  }

  /**
   * Calls on the synchronous client run on the executor, so the sink still never blocks its caller.
   *
   * @param ownsExecutor whether {@link #close} shuts the executor down
   */
  static KinesisCalls of(KinesisClient client, ExecutorService executor, boolean ownsExecutor) {
    return new KinesisCalls() {
      @Override
      public CompletableFuture<PutRecordsResponse> putRecords(PutRecordsRequest request) {
        return call(
            () -> CompletableFuture.supplyAsync(() -> client.putRecords(request), executor));
      }

      @Override
      public CompletableFuture<ListShardsResponse> listShards(ListShardsRequest request) {
        return call(
            () -> CompletableFuture.supplyAsync(() -> client.listShards(request), executor));
      }

      @Override
      public CompletableFuture<DescribeStreamSummaryResponse> describeStreamSummary(
          DescribeStreamSummaryRequest request) {
        return call(
            () ->
                CompletableFuture.supplyAsync(
                    () -> client.describeStreamSummary(request), executor));
      }

      @Override
      public OptionalInt clientMaxAttempts() {
        return maxAttempts(
            () -> client.serviceClientConfiguration().overrideConfiguration().retryStrategy());
      }

      @Override
      public void close(boolean closeClient) {
        if (ownsExecutor) {
          executor.shutdown();
        }
        if (closeClient) {
          client.close();
        }
      }
    };
  }

  /** Turns a call that throws (a rejected task, a client that throws) into a failed future. */
  private static <T> CompletableFuture<T> call(Supplier<CompletableFuture<T>> call) {
    try {
      return call.get();
    } catch (RuntimeException e) {
      CompletableFuture<T> failed = new CompletableFuture<>();
      failed.completeExceptionally(e);
      return failed;
    }
  }

  private static OptionalInt maxAttempts(
      Supplier<java.util.Optional<RetryStrategy>> retryStrategy) {
    try {
      return retryStrategy
          .get()
          .map(s -> OptionalInt.of(s.maxAttempts()))
          .orElse(OptionalInt.empty());
    } catch (RuntimeException e) {
      // A client (or a test double) that does not describe its configuration.
      return OptionalInt.empty();
    }
  }
}
