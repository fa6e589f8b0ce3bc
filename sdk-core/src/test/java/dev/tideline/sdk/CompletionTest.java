package dev.tideline.sdk;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class CompletionTest {
  @Test
  void theFirstCompletionWinsAndCallbacksRunOnce() {
    Completion<String> completion = Completion.create();
    List<String> seen = new ArrayList<>();
    completion.whenComplete((value, failure) -> seen.add(value));
    assertThat(completion.succeed("a")).isTrue();
    assertThat(completion.succeed("b")).isFalse();
    assertThat(completion.fail(new RuntimeException())).isFalse();
    completion.whenComplete((value, failure) -> seen.add("late " + value));
    assertThat(seen).containsExactly("a", "late a");
    assertThat(completion.isSuccess()).isTrue();
    assertThat(completion.value()).isEqualTo("a");
  }

  @Test
  void aThrowingCallbackDoesNotStopTheOthers() {
    Completion<Void> completion = Completion.create();
    List<String> seen = new ArrayList<>();
    completion.whenComplete(
        (value, failure) -> {
          throw new IllegalStateException("boom");
        });
    completion.whenComplete((value, failure) -> seen.add("second"));
    completion.succeed(null);
    assertThat(seen).containsExactly("second");
  }

  @Test
  void awaitReturnsFalseWhenTheTimeoutPassesFirst() {
    Completion<Void> completion = Completion.create();
    assertThat(completion.await(0, TimeUnit.MILLISECONDS)).isFalse();
    completion.succeed(null);
    assertThat(completion.await(0, TimeUnit.MILLISECONDS)).isTrue();
  }

  @Test
  void awaitWakesWhenAnotherThreadCompletes() throws Exception {
    Completion<Void> completion = Completion.create();
    Thread completer = new Thread(() -> completion.succeed(null));
    completer.start();
    assertThat(completion.await(10, TimeUnit.SECONDS)).isTrue();
    completer.join();
  }

  @Test
  void allSucceedsWhenEverySucceedsAndFailsWithTheFirstFailure() {
    Completion<Void> a = Completion.create();
    Completion<Void> b = Completion.create();
    Completion<Void> both = Completion.all(Arrays.asList(a, b));
    a.succeed(null);
    assertThat(both.isDone()).isFalse();
    b.succeed(null);
    assertThat(both.isSuccess()).isTrue();

    IllegalStateException cause = new IllegalStateException("x");
    Completion<Void> failed =
        Completion.all(Arrays.asList(Completion.failed(cause), Completion.succeeded(null)));
    assertThat(failed.failure()).isSameAs(cause);
    assertThat(Completion.all(new ArrayList<Completion<?>>()).isSuccess()).isTrue();
  }
}
