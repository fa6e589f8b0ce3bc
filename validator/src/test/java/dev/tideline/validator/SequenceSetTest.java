package dev.tideline.validator;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class SequenceSetTest {
  @Test
  void mergesIntervalsAndFindsGapsWhateverTheArrivalOrder() {
    SequenceSet set = new SequenceSet();
    for (long s : new long[] {1, 2, 3, 7, 5, 6, 10, 9}) {
      assertThat(set.add(s)).isTrue();
    }
    assertThat(set.add(6)).isFalse();

    assertThat(set.size()).isEqualTo(8);
    assertThat(set.missing()).isEqualTo(2);
    assertThat(set.gaps()).containsExactly(new long[] {4, 4}, new long[] {8, 8});
    assertThat(set.countIn(2, 9)).isEqualTo(6);
  }

  @Test
  void agreesWithASortedSetOnShuffledInput() {
    Random random = new Random(42);
    List<Long> sequences = new ArrayList<>();
    for (long s = 1; s <= 2000; s++) {
      if (random.nextInt(10) != 0) {
        sequences.add(s);
        if (random.nextInt(20) == 0) {
          sequences.add(s);
        }
      }
    }
    Collections.shuffle(sequences.subList(500, 1500), random);
    SequenceSet set = new SequenceSet();
    TreeSet<Long> expected = new TreeSet<>();
    for (long s : sequences) {
      assertThat(set.add(s)).isEqualTo(expected.add(s));
    }

    assertThat(set.size()).isEqualTo(expected.size());
    assertThat(set.first()).isEqualTo(expected.first());
    assertThat(set.last()).isEqualTo(expected.last());
    assertThat(set.missing()).isEqualTo(expected.last() - expected.first() + 1 - expected.size());
    assertThat(set.countIn(300, 1700)).isEqualTo(expected.subSet(300L, true, 1700L, true).size());
  }
}
