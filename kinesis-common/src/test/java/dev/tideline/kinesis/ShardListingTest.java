package dev.tideline.kinesis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.kinesis.model.ListShardsRequest;
import software.amazon.awssdk.services.kinesis.model.ListShardsResponse;
import software.amazon.awssdk.services.kinesis.model.Shard;

class ShardListingTest {
  /** Answers page i with shard "shard-i", and a token while i < pages. */
  private static final class Pages {
    final int pages;
    final List<ListShardsRequest> requests = new ArrayList<>();

    Pages(int pages) {
      this.pages = pages;
    }

    ListShardsResponse answer(ListShardsRequest request) {
      requests.add(request);
      int page = requests.size();
      return ListShardsResponse.builder()
          .shards(Shard.builder().shardId("shard-" + page).build())
          .nextToken(page < pages ? "token-" + page : null)
          .build();
    }
  }

  @Test
  void followsNextTokenAndNamesTheStreamOnlyInTheFirstRequest() {
    Pages pages = new Pages(3);
    List<Shard> shards = ShardListing.list("events", 1, pages::answer);
    assertThat(shards).extracting(Shard::shardId).containsExactly("shard-1", "shard-2", "shard-3");
    assertThat(pages.requests.get(0).streamName()).isEqualTo("events");
    assertThat(pages.requests.get(0).maxResults()).isEqualTo(1);
    assertThat(pages.requests.subList(1, 3))
        .allSatisfy(
            r -> {
              assertThat(r.streamName()).isNull();
              assertThat(r.streamARN()).isNull();
              assertThat(r.maxResults()).isEqualTo(1);
            })
        .extracting(ListShardsRequest::nextToken)
        .containsExactly("token-1", "token-2");
  }

  @Test
  void sendsAStreamGivenAsAnArnAsTheStreamArn() throws Exception {
    String arn = "arn:aws:kinesis:eu-west-1:111122223333:stream/events";
    Pages pages = new Pages(1);
    ShardListing.listAsync(arn, null, r -> CompletableFuture.completedFuture(pages.answer(r)))
        .get();
    assertThat(pages.requests.get(0).streamARN()).isEqualTo(arn);
    assertThat(pages.requests.get(0).streamName()).isNull();
  }

  @Test
  void failsWhenTheTokenNeverEnds() {
    Pages endless = new Pages(Integer.MAX_VALUE);
    assertThatThrownBy(() -> ShardListing.list("events", null, endless::answer))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("ListShards of events did not end after " + ShardListing.MAX_PAGES + " pages");
    assertThat(endless.requests).hasSize(ShardListing.MAX_PAGES);
  }

  @Test
  void asyncListingPassesOnTheCallsFailureAndBoundsItsPagesToo() {
    IllegalArgumentException refused = new IllegalArgumentException("refused");
    assertThatThrownBy(
            () ->
                ShardListing.listAsync("events", null, r -> CompletableFuture.failedFuture(refused))
                    .get())
        .isInstanceOf(ExecutionException.class)
        .hasCause(refused);

    Pages endless = new Pages(Integer.MAX_VALUE);
    assertThatThrownBy(
            () ->
                ShardListing.listAsync(
                        "events", null, r -> CompletableFuture.supplyAsync(() -> endless.answer(r)))
                    .get())
        .hasCauseInstanceOf(IllegalStateException.class);
    assertThat(endless.requests).hasSize(ShardListing.MAX_PAGES);
  }
}
