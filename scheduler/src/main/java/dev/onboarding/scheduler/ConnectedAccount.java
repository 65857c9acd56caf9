package dev.onboarding.scheduler;

import dev.onboarding.schemas.ExternalIds;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

/**
 * What the scheduler keeps about one CONNECTED integration: just what a collector needs to assume the role, plus
 * the versions that tell a new connection from an update or a stale record.
 *
 * @param integrationId the integration (also the store key)
 * @param tenantId owning customer
 * @param accountId the connected AWS account
 * @param roleArn the role collectors assume
 * @param externalId the external ID for AssumeRole (a secret: {@link #toString} redacts it)
 * @param connectedAt when it became CONNECTED, epoch millis: the INITIAL jobs' slot
 * @param epoch the integration version at which this connection began; due-index entries carry it
 * @param version the latest integration version applied
 * @param paused whether its jobs are paused (its health is UNREACHABLE): its slots move on, nothing is emitted
 * @param expectedOrganizationId a member account's organization, which its re-verification checks again; else null
 */
public record ConnectedAccount(String integrationId, String tenantId, String accountId, String roleArn,
        String externalId, long connectedAt, long epoch, long version, boolean paused, String expectedOrganizationId) {

    // Format 1 had no paused flag (read as not paused); format 2 adds it; format 3 the expected organization.
    private static final byte FORMAT_1 = 1;
    private static final byte FORMAT_2 = 2;
    private static final byte FORMAT = 3;

    /** An account whose jobs are not paused. */
    public ConnectedAccount(String integrationId, String tenantId, String accountId, String roleArn,
            String externalId, long connectedAt, long epoch, long version) {
        this(integrationId, tenantId, accountId, roleArn, externalId, connectedAt, epoch, version, false);
    }

    /** An account that is no member of an organization integration. */
    public ConnectedAccount(String integrationId, String tenantId, String accountId, String roleArn,
            String externalId, long connectedAt, long epoch, long version, boolean paused) {
        this(integrationId, tenantId, accountId, roleArn, externalId, connectedAt, epoch, version, paused, null);
    }

    /** Serde for the state store; a small private binary format with a leading format byte. */
    public static Serde<ConnectedAccount> serde() {
        return Serdes.serdeFrom((topic, account) -> account == null ? null : account.toBytes(),
                (topic, bytes) -> bytes == null ? null : fromBytes(bytes));
    }

    /** The stored form. */
    public byte[] toBytes() {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream(128 + externalId.length() + roleArn.length());
        try (DataOutputStream out = new DataOutputStream(buffer)) {
            out.writeByte(FORMAT);
            out.writeUTF(integrationId);
            out.writeUTF(tenantId);
            out.writeUTF(accountId);
            out.writeUTF(roleArn);
            out.writeUTF(externalId);
            out.writeLong(connectedAt);
            out.writeLong(epoch);
            out.writeLong(version);
            out.writeBoolean(paused);
            out.writeBoolean(expectedOrganizationId != null);
            if (expectedOrganizationId != null) {
                out.writeUTF(expectedOrganizationId);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return buffer.toByteArray();
    }

    /** Reads the stored form. */
    public static ConnectedAccount fromBytes(byte[] bytes) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
            byte format = in.readByte();
            if (format != FORMAT && format != FORMAT_2 && format != FORMAT_1) {
                throw new SerializationException("unknown ConnectedAccount format " + format);
            }
            String integrationId = in.readUTF();
            String tenantId = in.readUTF();
            String accountId = in.readUTF();
            String roleArn = in.readUTF();
            String externalId = in.readUTF();
            long connectedAt = in.readLong();
            long epoch = in.readLong();
            long version = in.readLong();
            boolean paused = format != FORMAT_1 && in.readBoolean();
            String organization = format == FORMAT && in.readBoolean() ? in.readUTF() : null;
            return new ConnectedAccount(integrationId, tenantId, accountId, roleArn, externalId, connectedAt, epoch,
                    version, paused, organization);
        } catch (IOException e) {
            throw new SerializationException("corrupt ConnectedAccount: " + e.getMessage(), e);
        }
    }

    @Override
    public String toString() {
        return "ConnectedAccount[integrationId=" + integrationId + ", tenantId=" + tenantId + ", accountId="
                + accountId + ", roleArn=" + roleArn + ", externalId=" + ExternalIds.redact(externalId)
                + ", connectedAt=" + connectedAt + ", epoch=" + epoch + ", version=" + version + ", paused=" + paused
                + ", expectedOrganizationId=" + expectedOrganizationId + "]";
    }
}
