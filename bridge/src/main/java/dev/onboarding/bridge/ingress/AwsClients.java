package dev.onboarding.bridge.ingress;

import dev.onboarding.bridge.ingress.IngressConfig.QueueSpec;
import dev.onboarding.config.Settings;
import dev.onboarding.config.SettingsException;
import java.time.Duration;
import java.util.Optional;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.SqsClientBuilder;

/** How the bridge builds its AWS clients: explicit region, endpoint and HTTP client, one place. */
public final class AwsClients {
    private AwsClients() {
    }

    /** The {@code bridge.aws.*} static credentials (both keys or neither), if set. */
    public static Optional<IngressConfig.StaticCredentials> staticCredentials(Settings settings) {
        Optional<String> keyId = settings.find("bridge.aws.access-key-id");
        Optional<String> secret = settings.find("bridge.aws.secret-access-key");
        if (keyId.isPresent() != secret.isPresent()) {
            throw new SettingsException(keyId.isPresent() ? "bridge.aws.secret-access-key" : "bridge.aws.access-key-id",
                    "must be set together with its pair, or neither (default AWS credential chain)");
        }
        return keyId.map(k -> new IngressConfig.StaticCredentials(k, secret.orElseThrow()));
    }

    /** Static credentials when configured (local runs), else the default AWS chain. */
    public static AwsCredentialsProvider credentials(Optional<IngressConfig.StaticCredentials> configured) {
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
}
