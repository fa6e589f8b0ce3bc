package dev.tideline.samples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tideline.testing.kinesis.LocalKinesisExtension;
import dev.tideline.testing.kinesis.LocalKinesisServer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(LocalKinesisExtension.class)
class DemoTest {
  @Test
  void theDemoReadsBackWhatItPut(LocalKinesisServer server) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    assertThat(Demo.run(server, new PrintStream(out, true, StandardCharsets.UTF_8)))
        .containsExactly("hello from Tideline");
    assertThat(out.toString(StandardCharsets.UTF_8)).contains("read back from shardId-");
  }
}
