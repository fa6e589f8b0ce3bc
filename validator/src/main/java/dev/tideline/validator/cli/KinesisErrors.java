package dev.tideline.validator.cli;

import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.kinesis.model.ResourceNotFoundException;

/**
 * Turns the AWS SDK's exceptions into what a user of {@code tideline-validate stream} can act on:
 * what failed, against which stream, region or endpoint, and which option or setting fixes it,
 * instead of provider chains, ARNs and request ids. Stateless.
 */
final class KinesisErrors {
  private KinesisErrors() {}

  /**
   * What went wrong and what to do.
   *
   * @param stream the command's options, or null when they are not known
   */
  static String explain(SdkException e, TidelineValidate.@Nullable StreamCommand stream) {
    String name = stream == null ? "the stream" : "stream '" + stream.streamName() + "'";
    String where = stream == null ? "" : where(stream);
    String message = e.getMessage() == null ? "" : e.getMessage();
    if (message.startsWith("Unable to load region")) {
      return "no AWS region: give --region (for example --region eu-west-1), or set AWS_REGION or"
          + " a region in ~/.aws/config";
    }
    if (message.startsWith("Unable to load credentials")) {
      return "no AWS credentials found: set AWS_PROFILE (a profile in ~/.aws/credentials), or"
          + " AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or run with a role"
          + (stream != null && stream.endpoint() != null
              ? "; a local Kinesis accepts any key pair"
              : "");
    }
    if (e instanceof ResourceNotFoundException) {
      return name
          + " does not exist"
          + where
          + ": check the stream name and --region (the stream is listed by 'aws kinesis"
          + " list-streams')";
    }
    if (e instanceof AwsServiceException) {
      AwsServiceException service = (AwsServiceException) e;
      String code =
          service.awsErrorDetails() == null ? null : service.awsErrorDetails().errorCode();
      String detail =
          service.awsErrorDetails() == null || service.awsErrorDetails().errorMessage() == null
              ? message
              : service.awsErrorDetails().errorMessage();
      if (service.statusCode() == 403
          || "UnrecognizedClientException".equals(code)
          || "InvalidSignatureException".equals(code)
          || "ExpiredTokenException".equals(code)
          || "AccessDeniedException".equals(code)) {
        return "Kinesis refused the credentials"
            + where
            + " ("
            + code
            + ": "
            + detail
            + "): check AWS_PROFILE or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, that they belong"
            + " to the stream's account, and that they may call ListShards, GetShardIterator and"
            + " GetRecords on "
            + name;
      }
      return "Kinesis answered " + (code == null ? "an error" : code) + where + ": " + detail;
    }
    if (causedBy(e, SocketTimeoutException.class)) {
      return "Kinesis did not answer"
          + where
          + " within "
          + (stream == null ? "the read timeout" : "--read-timeout " + stream.readTimeout())
          + ", even after retries: raise --read-timeout, or lower --records-per-call so each"
          + " answer is smaller";
    }
    if (causedBy(e, UnknownHostException.class) || causedBy(e, ConnectException.class)) {
      return "cannot connect to Kinesis"
          + where
          + ": check --endpoint, --region and the network ("
          + message
          + ")";
    }
    return message.isEmpty() ? e.getClass().getName() : message;
  }

  private static String where(TidelineValidate.StreamCommand stream) {
    StringBuilder out = new StringBuilder();
    if (stream.region() != null) {
      out.append(" in region ").append(stream.region());
    }
    if (stream.endpoint() != null) {
      out.append(" at ").append(stream.endpoint());
    }
    return out.toString();
  }

  private static boolean causedBy(Throwable e, Class<? extends Throwable> type) {
    for (Throwable cause = e; cause != null; cause = cause.getCause()) {
      if (type.isInstance(cause)) {
        return true;
      }
      if (cause.getCause() == cause) {
        break;
      }
    }
    return false;
  }
}
