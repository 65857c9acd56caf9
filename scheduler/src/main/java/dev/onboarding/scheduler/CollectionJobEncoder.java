package dev.onboarding.scheduler;

import dev.onboarding.contract.CollectionJob;
import dev.onboarding.contract.JobCause;
import dev.onboarding.scheduler.CollectionPlan.IntervalClass;
import dev.onboarding.scheduler.CollectionPlan.Target;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.Map;
import org.apache.avro.io.BinaryData;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.kafka.common.serialization.Serializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Encodes collection jobs for the jobs topic. Every job of an account repeats the account's five strings and every
 * job of a target its three, so those are Avro-encoded once and copied; per job only the id, the two times and the
 * cause are encoded. This fast path is used only after it produced, for sample jobs, exactly the bytes of the topic's
 * own serializer (Confluent framing, registered schema id, Avro binary); if the contract ever changes shape, the
 * check fails and every job goes through that serializer instead.
 */
final class CollectionJobEncoder {
    private static final Logger LOG = LoggerFactory.getLogger(CollectionJobEncoder.class);
    private static final int HEADER = 5;

    private final Serializer<CollectionJob> serializer;
    private final String topic;
    private final byte[] header;
    private final Map<IntervalClass, EncodedTarget[]> classes = new IdentityHashMap<>();
    private final byte[] scratch = new byte[32];

    private CollectionJobEncoder(Serializer<CollectionJob> serializer, String topic, byte[] header) {
        this.serializer = serializer;
        this.topic = topic;
        this.header = header;
    }

    /** An encoder for {@code topic}; fast when it matches {@code serializer} byte for byte, else the serializer. */
    static CollectionJobEncoder create(Serializer<CollectionJob> serializer, String topic) {
        CollectionJob[] samples = {sample(JobCause.PERIODIC), sample(JobCause.INITIAL)};
        byte[] reference = serializer.serialize(topic, samples[0]);
        CollectionJobEncoder fast = new CollectionJobEncoder(serializer, topic, Arrays.copyOf(reference, HEADER));
        for (CollectionJob job : samples) {
            byte[] expected = serializer.serialize(topic, job);
            if (!Arrays.equals(expected, fast.encodeFast(job))) {
                LOG.warn("the CollectionJob schema no longer matches the scheduler's fast encoder; encoding every job "
                        + "with the generic serializer (slower)");
                return new CollectionJobEncoder(serializer, topic, null);
            }
        }
        return fast;
    }

    /** Whether jobs are encoded from pre-encoded parts (false: through the generic serializer). */
    boolean isFast() {
        return header != null;
    }

    /** The targets of {@code intervalClass}, encoded once, in class order (index {@code k} is target {@code k}). */
    EncodedTarget[] targets(IntervalClass intervalClass) {
        return classes.computeIfAbsent(intervalClass, c -> c.targets().stream().map(EncodedTarget::new)
                .toArray(EncodedTarget[]::new));
    }

    /** An encoder for the jobs of one account. */
    AccountJobs forAccount(ConnectedAccount account) {
        return new AccountJobs(account);
    }

    /** Encodes the jobs of one account; reuse it for all the account's jobs of one tick. */
    final class AccountJobs {
        private final ConnectedAccount account;
        private final byte[] accountPart;
        private final JobIds.Name name;

        private AccountJobs(ConnectedAccount account) {
            this.account = account;
            this.name = new JobIds.Name(account.integrationId());
            this.accountPart = isFast() ? strings(account.integrationId(), account.tenantId(), account.accountId(),
                    account.roleArn(), account.externalId()) : null;
        }

        /** The topic's value bytes of one job. */
        byte[] encode(EncodedTarget target, long scheduledFor, long deadline, JobCause cause) {
            name.target(target.idInput);
            if (!isFast()) {
                byte[] id = new byte[JobIds.LENGTH];
                name.writeId(scheduledFor, id, 0);
                return serializer.serialize(topic, job(account, target.target, new String(id,
                        StandardCharsets.US_ASCII), scheduledFor, deadline, cause));
            }
            int tail = BinaryData.encodeLong(scheduledFor, scratch, 0);
            tail += BinaryData.encodeLong(deadline, scratch, tail);
            tail += BinaryData.encodeInt(cause.ordinal(), scratch, tail);
            byte[] out = new byte[HEADER + 1 + JobIds.LENGTH + accountPart.length + target.avro.length + tail];
            System.arraycopy(header, 0, out, 0, HEADER);
            int pos = HEADER;
            pos += BinaryData.encodeInt(JobIds.LENGTH, out, pos);
            name.writeId(scheduledFor, out, pos);
            pos += JobIds.LENGTH;
            System.arraycopy(accountPart, 0, out, pos, accountPart.length);
            pos += accountPart.length;
            System.arraycopy(target.avro, 0, out, pos, target.avro.length);
            pos += target.avro.length;
            System.arraycopy(scratch, 0, out, pos, tail);
            return out;
        }
    }

    /** The record a job's bytes stand for (the generic path, and the check of the fast one). */
    static CollectionJob job(ConnectedAccount account, Target target, String jobId, long scheduledFor, long deadline,
            JobCause cause) {
        return new CollectionJob(jobId, account.integrationId(), account.tenantId(), account.accountId(),
                account.roleArn(), account.externalId(), target.region(), target.service(), target.resourceType(),
                Instant.ofEpochMilli(scheduledFor), Instant.ofEpochMilli(deadline), cause);
    }

    private byte[] encodeFast(CollectionJob job) {
        ConnectedAccount account = new ConnectedAccount(job.getIntegrationId(), job.getTenantId(), job.getAccountId(),
                job.getRoleArn(), job.getExternalId(), 0, 0, 0);
        EncodedTarget target = new EncodedTarget(new Target(job.getService(), job.getResourceType(),
                job.getRegion()));
        return forAccount(account).encode(target, job.getScheduledFor().toEpochMilli(),
                job.getDeadline().toEpochMilli(), job.getCause());
    }

    private static CollectionJob sample(JobCause cause) {
        ConnectedAccount account = new ConnectedAccount("sample-integration-ü", "tenant-é", "123456789012",
                "arn:aws:iam::123456789012:role/Sample", "onb-abcdefghijklmnopqrstuvwxyz234567", 0, 0, 0);
        Target target = new Target("ec2", "AWS::EC2::Instance", "eu-west-1");
        long slot = 1_717_315_200_123L;
        return job(account, target, JobIds.of(account.integrationId(), target.resourceType(), target.region(), slot),
                slot, slot + 3_600_000, cause);
    }

    /** One target with its three fields Avro-encoded in schema order (region, service, resourceType). */
    static final class EncodedTarget {
        final Target target;
        final byte[] avro;
        final byte[] idInput;

        EncodedTarget(Target target) {
            this.target = target;
            this.avro = strings(target.region(), target.service(), target.resourceType());
            this.idInput = JobIds.targetBytes(target.resourceType(), target.region());
        }
    }

    private static byte[] strings(String... values) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
        try {
            for (String value : values) {
                encoder.writeString(value);
            }
            encoder.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
