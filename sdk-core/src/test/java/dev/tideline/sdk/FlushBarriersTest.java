package dev.tideline.sdk;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class FlushBarriersTest {
  @Test
  void aBarrierWithNothingRecoveredOrAcceptedIsReadyAtOnce() {
    FlushBarriers barriers = new FlushBarriers();
    barriers.add(0, 0); // an empty spool recovered nothing
    Completion<Void> flush = Completion.create();
    barriers.barrier(flush, 1);
    FlushBarriers.complete(barriers.ready());
    assertThat(flush.isDone()).isTrue();
  }

  @Test
  void aBarrierAfterAnEmptyRecoveryWaitsOnlyForLaterEvents() {
    FlushBarriers barriers = new FlushBarriers();
    barriers.add(0, 0);
    Completion<Void> empty = Completion.create();
    barriers.barrier(empty, 1);
    FlushBarriers.complete(barriers.ready());
    long epoch = barriers.accepted();
    Completion<Void> afterOne = Completion.create();
    barriers.barrier(afterOne, 2);
    FlushBarriers.complete(barriers.ready());
    assertThat(empty.isDone()).isTrue();
    assertThat(afterOne.isDone()).isFalse();

    barriers.released(epoch);
    FlushBarriers.complete(barriers.ready());
    assertThat(afterOne.isDone()).isTrue();
  }
}
