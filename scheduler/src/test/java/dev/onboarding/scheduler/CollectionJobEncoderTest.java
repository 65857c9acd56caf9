package dev.onboarding.scheduler;

import static org.assertj.core.api.Assertions.assertThat;

import dev.onboarding.contract.CollectionJob;
import dev.onboarding.contract.JobCause;
import dev.onboarding.scheduler.CollectionPlan.Target;
import dev.onboarding.schemas.serde.AvroSerde;
import dev.onboarding.schemas.serde.InMemorySchemaRegistry;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.StringLength;
import org.junit.jupiter.api.Test;

class CollectionJobEncoderTest {
    private static final String TOPIC = "onboarding.collection-jobs";
    private final AvroSerde<CollectionJob> serde = AvroSerde.forValues(CollectionJob.class,
            InMemorySchemaRegistry.scope("encoder-test"), true);

    @Property(tries = 300)
    void theFastPathWritesExactlyWhatTheTopicSerializerWrites(
            @ForAll @StringLength(min = 1, max = 60) String integrationId,
            @ForAll @StringLength(max = 40) String tenantId,
            @ForAll @StringLength(max = 300) String roleArn,
            @ForAll @StringLength(max = 1224) String externalId,
            @ForAll @StringLength(min = 1, max = 40) String resourceType,
            @ForAll @LongRange(min = 0, max = 4_102_444_800_000L) long scheduledFor,
            @ForAll @LongRange(min = 0, max = 86_400_000L * 31) long window,
            @ForAll JobCause cause) {
        CollectionJobEncoder encoder = CollectionJobEncoder.create(serde.serializer(), TOPIC);
        ConnectedAccount account = new ConnectedAccount(integrationId, tenantId, "123456789012", roleArn, externalId,
                0, 1, 1);
        Target target = new Target("svc", resourceType, "eu-central-1");

        byte[] fast = encoder.forAccount(account).encode(new CollectionJobEncoder.EncodedTarget(target), scheduledFor,
                scheduledFor + window, cause);

        CollectionJob expected = CollectionJobEncoder.job(account, target,
                JobIds.of(integrationId, resourceType, "eu-central-1", scheduledFor), scheduledFor,
                scheduledFor + window, cause);
        assertThat(encoder.isFast()).isTrue();
        assertThat(fast).isEqualTo(serde.serialize(TOPIC, expected));
        assertThat(serde.deserialize(TOPIC, fast)).isEqualTo(expected);
    }

    @Test
    void aSerializerThatDisagreesMakesEveryJobGoThroughIt() {
        // A serializer with another framing stands for a contract the fast path no longer matches.
        CollectionJobEncoder encoder = CollectionJobEncoder.create((topic, job) -> {
            byte[] bytes = serde.serialize(topic, job);
            bytes[bytes.length - 1] ^= 1;
            return bytes;
        }, TOPIC);
        ConnectedAccount account = new ConnectedAccount("int-1", "t", "123456789012", "arn:aws:iam::1:role/r", "x",
                0, 1, 1);

        byte[] bytes = encoder.forAccount(account).encode(new CollectionJobEncoder.EncodedTarget(
                new Target("ec2", "AWS::EC2::Instance", "us-east-1")), 1_000,
                2_000, JobCause.PERIODIC);

        assertThat(encoder.isFast()).isFalse();
        bytes[bytes.length - 1] ^= 1;
        assertThat(serde.deserialize(TOPIC, bytes).getJobId())
                .isEqualTo(JobIds.of("int-1", "AWS::EC2::Instance", "us-east-1", 1_000));
    }
}
