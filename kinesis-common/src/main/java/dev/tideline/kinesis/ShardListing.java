package dev.tideline.kinesis;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.services.kinesis.model.ListShardsRequest;
import software.amazon.awssdk.services.kinesis.model.ListShardsResponse;
import software.amazon.awssdk.services.kinesis.model.Shard;

/**
 * Lists every shard of a stream with ListShards, following {@code NextToken} page by page: the one
 * implementation of the paging for the SDK's Kinesis sink (asynchronous) and the validator's stream
 * reader (synchronous), so both name streams and bound their pages the same way.
 *
 * <ul>
 *   <li>A stream given as an ARN ({@code arn:...}) is sent as {@code StreamARN}, otherwise as
 *       {@code StreamName}; requests after the first carry only {@code NextToken}, as the
 *       "ListShards" page of the Kinesis API Reference requires.
 *   <li>At most {@link #MAX_PAGES} pages are read; a listing that goes on longer fails, so a
 *       looping {@code NextToken} cannot hang the caller.
 * </ul>
 *
 * <p>Stateless and thread-safe. Failures of the call are passed on as they are.
 */
public final class ShardListing {
  /**
   * The most pages read for one listing: 10,000 pages of Kinesis's default 1,000 shards is far
   * above any stream's shard quota, so more means a looping token.
   */
  public static final int MAX_PAGES = 10_000;

  private ShardListing() {}

  /** Whether the stream is named by its ARN rather than its name. */
  public static boolean isArn(String stream) {
    return stream.startsWith("arn:");
  }

  /**
   * Every shard of the stream, read with the synchronous call.
   *
   * @param stream the stream's name or ARN
   * @param pageSize shards per page, or null for Kinesis's default
   * @param call one ListShards call, for example {@code client::listShards}
   * @throws IllegalStateException if the listing does not end within {@link #MAX_PAGES} pages
   */
  public static List<Shard> list(
      String stream,
      @Nullable Integer pageSize,
      Function<ListShardsRequest, ListShardsResponse> call) {
    Objects.requireNonNull(call, "call");
    List<Shard> shards = new ArrayList<>();
    ListShardsRequest request = first(stream, pageSize);
    for (int page = 1; ; page++) {
      ListShardsResponse response = call.apply(request);
      shards.addAll(response.shards());
      String next = response.nextToken();
      if (next == null || next.isEmpty()) {
        return shards;
      }
      checkBound(stream, page);
      request = next(next, pageSize);
    }
  }

  /**
   * Every shard of the stream, read with the asynchronous call; the next page is asked for when the
   * previous one arrives.
   *
   * @param stream the stream's name or ARN
   * @param pageSize shards per page, or null for Kinesis's default
   * @param call one ListShards call, for example {@code client::listShards}
   * @return the shards; fails with the call's failure, or with an {@link IllegalStateException} if
   *     the listing does not end within {@link #MAX_PAGES} pages
   */
  public static CompletableFuture<List<Shard>> listAsync(
      String stream,
      @Nullable Integer pageSize,
      Function<ListShardsRequest, CompletableFuture<ListShardsResponse>> call) {
    Objects.requireNonNull(call, "call");
    CompletableFuture<List<Shard>> result = new CompletableFuture<>();
    page(stream, pageSize, call, first(stream, pageSize), new ArrayList<>(), 1, result);
    return result;
  }

  /**
   * Asks for pages from this one on. Pages already answered are handled in a loop, not by
   * recursion, so a call that answers at once cannot overflow the stack.
   */
  private static void page(
      String stream,
      @Nullable Integer pageSize,
      Function<ListShardsRequest, CompletableFuture<ListShardsResponse>> call,
      ListShardsRequest first,
      List<Shard> shards,
      int firstPage,
      CompletableFuture<List<Shard>> result) {
    @Nullable ListShardsRequest request = first;
    for (int page = firstPage; request != null; page++) {
      CompletableFuture<ListShardsResponse> response;
      try {
        response = call.apply(request);
      } catch (RuntimeException e) {
        result.completeExceptionally(e);
        return;
      }
      if (!response.isDone()) {
        int thisPage = page;
        // The callback completes result; the future whenComplete returns carries nothing more.
        var unused =
            response.whenComplete(
                (answer, failure) -> {
                  ListShardsRequest next =
                      handle(stream, pageSize, answer, failure, shards, thisPage, result);
                  if (next != null) {
                    page(stream, pageSize, call, next, shards, thisPage + 1, result);
                  }
                });
        return;
      }
      @Nullable ListShardsResponse answer = null;
      @Nullable Throwable failure = null;
      try {
        answer = response.join();
      } catch (RuntimeException e) {
        failure = e;
      }
      request = handle(stream, pageSize, answer, failure, shards, page, result);
    }
  }

  /** Takes one page's answer; returns the next page's request, or null when result completed. */
  private static @Nullable ListShardsRequest handle(
      String stream,
      @Nullable Integer pageSize,
      @Nullable ListShardsResponse answer,
      @Nullable Throwable failure,
      List<Shard> shards,
      int page,
      CompletableFuture<List<Shard>> result) {
    if (failure != null || answer == null) {
      result.completeExceptionally(
          failure != null
              ? unwrap(failure)
              : new IllegalStateException("ListShards answered nothing"));
      return null;
    }
    try {
      shards.addAll(answer.shards());
      String next = answer.nextToken();
      if (next == null || next.isEmpty()) {
        result.complete(shards);
        return null;
      }
      checkBound(stream, page);
      return next(next, pageSize);
    } catch (RuntimeException e) {
      result.completeExceptionally(e);
      return null;
    }
  }

  private static ListShardsRequest first(String stream, @Nullable Integer pageSize) {
    Objects.requireNonNull(stream, "stream");
    ListShardsRequest.Builder request = ListShardsRequest.builder().maxResults(pageSize);
    return (isArn(stream) ? request.streamARN(stream) : request.streamName(stream)).build();
  }

  /** A request with NextToken must not name the stream ("ListShards", Kinesis API Reference). */
  private static ListShardsRequest next(String token, @Nullable Integer pageSize) {
    return ListShardsRequest.builder().nextToken(token).maxResults(pageSize).build();
  }

  private static void checkBound(String stream, int page) {
    if (page >= MAX_PAGES) {
      throw new IllegalStateException(
          "ListShards of " + stream + " did not end after " + MAX_PAGES + " pages");
    }
  }

  private static Throwable unwrap(Throwable failure) {
    Throwable cause = failure;
    while (cause instanceof CompletionException && cause.getCause() != null) {
      cause = cause.getCause();
    }
    return cause;
  }
}
