package dev.tideline.testing.kinesis;

import java.util.Objects;

/** A stream created on a {@link LocalKinesisServer}: its name, shard count and server. */
public final class LocalKinesisStream {
  private final LocalKinesisServer server;
  private final String name;
  private final int shardCount;

  LocalKinesisStream(LocalKinesisServer server, String name, int shardCount) {
    this.server = Objects.requireNonNull(server, "server");
    this.name = Objects.requireNonNull(name, "name");
    this.shardCount = shardCount;
  }

  /** The server that holds the stream. */
  public LocalKinesisServer server() {
    return server;
  }

  /** The stream name, unique on its server. */
  public String name() {
    return name;
  }

  /** The number of shards the stream was created with. */
  public int shardCount() {
    return shardCount;
  }

  @Override
  public String toString() {
    return "LocalKinesisStream{" + name + ", shards=" + shardCount + "}";
  }
}
