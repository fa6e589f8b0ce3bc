package dev.tideline.sdk.kinesis;

import dev.tideline.testing.kinesis.LocalKinesisServer;
import java.net.URI;
import java.time.Duration;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.http.Protocol;
import software.amazon.awssdk.http.SdkHttpConfigurationOption;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.utils.AttributeMap;

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

  /**
   * An async client that trusts any server certificate, for the local server's self-signed TLS
   * endpoint. Test code only: production clients keep the AWS SDK's certificate checks.
   */
  static KinesisAsyncClient asyncTrustingAnyCertificate(LocalKinesisServer server, URI endpoint) {
    return KinesisAsyncClient.builder()
        .endpointOverride(endpoint)
        .region(LocalKinesisServer.REGION)
        .credentialsProvider(server.credentials())
        .httpClient(
            NettyNioAsyncHttpClient.builder()
                .protocol(Protocol.HTTP1_1)
                .readTimeout(Duration.ofMinutes(3))
                .writeTimeout(Duration.ofMinutes(3))
                .buildWithDefaults(
                    AttributeMap.builder()
                        .put(SdkHttpConfigurationOption.TRUST_ALL_CERTIFICATES, true)
                        .build()))
        .overrideConfiguration(KinesisSink.recommendedClientConfiguration())
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
