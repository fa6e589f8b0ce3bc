package dev.tideline.sdk.kinesis;

import dev.tideline.testing.kinesis.LocalKinesisServer;
import java.net.URI;
import java.time.Duration;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.http.Protocol;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.KinesisClient;

/** Kinesis clients for the local server, directly or through a proxy, as users would build them. */
final class Clients {
  private Clients() {}

  /** An async client with {@link KinesisSink#recommendedClientConfiguration()}. */
  static KinesisAsyncClient async(LocalKinesisServer server, URI endpoint) {
    return async(server, endpoint, KinesisSink.recommendedClientConfiguration());
  }

  /** An async client with this configuration. */
  static KinesisAsyncClient async(
      LocalKinesisServer server, URI endpoint, ClientOverrideConfiguration configuration) {
    return KinesisAsyncClient.builder()
        .endpointOverride(endpoint)
        .region(LocalKinesisServer.REGION)
        .credentialsProvider(server.credentials())
        // Plain HTTP on loopback: HTTP/1.1, since h2c is not offered. Socket timeouts long enough
        // for the local Kinesis on a busy machine; the sink's request timeout bounds each call.
        .httpClientBuilder(
            NettyNioAsyncHttpClient.builder()
                .protocol(Protocol.HTTP1_1)
                .readTimeout(Duration.ofMinutes(3))
                .writeTimeout(Duration.ofMinutes(3)))
        .overrideConfiguration(configuration)
        .build();
  }

  /** A synchronous client with {@link KinesisSink#recommendedClientConfiguration()}. */
  static KinesisClient sync(LocalKinesisServer server, URI endpoint) {
    return KinesisClient.builder()
        .endpointOverride(endpoint)
        .region(LocalKinesisServer.REGION)
        .credentialsProvider(server.credentials())
        .httpClientBuilder(UrlConnectionHttpClient.builder())
        .overrideConfiguration(KinesisSink.recommendedClientConfiguration())
        .build();
  }
}
