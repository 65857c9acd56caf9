package dev.onboarding.bridge.ingress;

import dev.onboarding.bridge.ingress.IngressConfig.QueueSpec;
import java.time.Duration;
import java.util.Optional;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.SqsClientBuilder;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.StsClientBuilder;

/** How the ingress builds its AWS clients: explicit region, endpoint and HTTP client, one place. */
final class AwsClients {
    private AwsClients() {
    }

    /** Static credentials when configured (local runs), else the default AWS chain. */
    static AwsCredentialsProvider credentials(Optional<IngressConfig.StaticCredentials> configured) {
        return configured.<AwsCredentialsProvider>map(c -> StaticCredentialsProvider.create(
                        AwsBasicCredentials.create(c.accessKeyId(), c.secretAccessKey())))
                .orElseGet(() -> DefaultCredentialsProvider.builder().build());
    }

    /** An SQS client for one regional queue with a pool of {@code connections}; closing it closes its pool. */
    static SqsClient sqs(QueueSpec queue, AwsCredentialsProvider credentials, int connections) {
        SqsClientBuilder builder = SqsClient.builder()
                .region(Region.of(queue.region()))
                .credentialsProvider(credentials)
                .httpClientBuilder(ApacheHttpClient.builder()
                        .maxConnections(connections)
                        // Above the 20 s long poll.
                        .socketTimeout(Duration.ofSeconds(30)));
        queue.endpoint().ifPresent(builder::endpointOverride);
        return builder.build();
    }

    /**
     * The STS client of the verifier: no SDK retries (each attempt must pass the verifier's limits), so an API call is
     * one attempt and one timeout bounds it; a second, attempt-level timer would only double the timer work of every
     * call. The pool holds a kept-alive connection for each of the verifier's concurrent calls.
     */
    static StsClient sts(IngressConfig.Verification verification, AwsCredentialsProvider credentials) {
        StsClientBuilder builder = StsClient.builder()
                .region(Region.of(verification.stsRegion()))
                .credentialsProvider(credentials)
                .httpClientBuilder(ApacheHttpClient.builder().maxConnections(verification.maxConcurrency() + 2))
                .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry())
                        .apiCallTimeout(verification.attemptTimeout()));
        verification.stsEndpoint().ifPresent(builder::endpointOverride);
        return builder.build();
    }
}
