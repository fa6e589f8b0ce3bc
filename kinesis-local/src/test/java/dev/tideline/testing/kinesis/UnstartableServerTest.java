package dev.tideline.testing.kinesis;

import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;
import static org.junit.platform.testkit.engine.EventConditions.event;
import static org.junit.platform.testkit.engine.EventConditions.finishedWithFailure;
import static org.junit.platform.testkit.engine.EventConditions.test;
import static org.junit.platform.testkit.engine.TestExecutionResultConditions.message;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Events;

/** A test that needs the server fails, with the reason, when the server cannot start. */
class UnstartableServerTest {
  @TempDir static Path cache;

  @Test
  void aTestWhoseServerCannotStartFailsWithTheReasonAndIsNeitherSkippedNorAborted() {
    Events tests =
        EngineTestKit.engine("junit-jupiter")
            .selectors(selectClass(NeedsAServerThatCannotStart.class))
            .execute()
            .testEvents();

    tests.assertStatistics(stats -> stats.started(2).failed(2).succeeded(0).aborted(0).skipped(0));
    tests
        .assertThatEvents()
        .haveExactly(
            2,
            event(
                test(),
                finishedWithFailure(
                    message(
                        m ->
                            m.startsWith("the local Kinesis server could not start")
                                && m.contains("/no/such/node")))));
  }

  /** Run only through the test kit above (nested classes are not picked up by Surefire). */
  static class NeedsAServerThatCannotStart {
    @RegisterExtension
    static LocalKinesisExtension kinesis =
        LocalKinesisExtension.withServer(
            "no-node", LocalKinesisServer.builder().nodeExecutable("/no/such/node"));

    @Test
    void usesAStream(LocalKinesisStream stream) {}

    @Test
    void usesTheServerThroughAField() {}
  }
}
