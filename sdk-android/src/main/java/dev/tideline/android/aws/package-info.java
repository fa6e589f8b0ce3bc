/**
 * The Android Kinesis transport: {@link dev.tideline.android.aws.AndroidKinesisSink}, a {@link
 * dev.tideline.sdk.sink.RecordSink} that calls Kinesis's PutRecords, ListShards and
 * DescribeStreamSummary over {@code HttpURLConnection} with JSON bodies (the platform's {@code
 * org.json}), signed with AWS Signature Version 4; and the temporary credentials it signs with,
 * from a {@link dev.tideline.android.aws.CredentialsProvider}, such as the built-in {@link
 * dev.tideline.android.aws.CognitoCredentialsProvider} for unauthenticated Cognito identities.
 *
 * <p>No AWS SDK: the AWS SDK for Java v2 does not run on Android. Nothing in this package logs or
 * formats an access key id, secret key, session token or signature.
 *
 * <p>Checked by NullAway: nothing here is null unless annotated {@code @Nullable}.
 */
package dev.tideline.android.aws;
