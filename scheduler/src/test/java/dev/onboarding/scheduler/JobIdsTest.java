package dev.onboarding.scheduler;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.StringLength;
import org.junit.jupiter.api.Test;

class JobIdsTest {
    private static final long SLOT = 1_717_315_200_000L;

    @Test
    void theHashIsMurmurHash3X64Of128Bits() {
        // Reference values of MurmurHash3_x64_128, seed 0 (as Guava's murmur3_128 and the C++ original give them).
        assertThat(hash("")).containsExactly(0L, 0L);
        assertThat(hash("hello")).containsExactly(0xcbd8a7b341bd9b02L, 0x5b1e906a48ae1d19L);
        assertThat(hash("The quick brown fox jumps over the lazy dog"))
                .containsExactly(0xe34bbc7bbc071b6cL, 0x7a433ca9c49a9347L);
    }

    @Test
    void idsAreDeterministicVersion8UuidsThatDifferInEachComponent() {
        String id = JobIds.of("int-1", "AWS::EC2::Instance", "us-east-1", SLOT);

        assertThat(JobIds.of("int-1", "AWS::EC2::Instance", "us-east-1", SLOT)).isEqualTo(id);
        assertThat(UUID.fromString(id).version()).isEqualTo(8);
        assertThat(UUID.fromString(id).variant()).isEqualTo(2);
        assertThat(UUID.fromString(id).toString()).isEqualTo(id);
        Set<String> variants = new HashSet<>(List.of(id,
                JobIds.of("int-2", "AWS::EC2::Instance", "us-east-1", SLOT),
                JobIds.of("int-1", "AWS::EC2::Volume", "us-east-1", SLOT),
                JobIds.of("int-1", "AWS::EC2::Instance", "eu-west-1", SLOT),
                JobIds.of("int-1", "AWS::EC2::Instance", "us-east-1", SLOT + 1),
                // The separator keeps shifted boundaries apart.
                JobIds.of("int-1A", "WS::EC2::Instance", "us-east-1", SLOT)));
        assertThat(variants).hasSize(6);
    }

    @Test
    void aReusedNameGivesTheSameIdsAsFreshOnes() {
        JobIds.Name name = new JobIds.Name("integration-with-a-rather-long-identifier-0001");
        byte[] out = new byte[JobIds.LENGTH + 4];
        for (String type : List.of("AWS::EC2::Instance", "AWS::CloudFormation::StackSet", "AWS::S3::Bucket")) {
            name.target(type, "ap-southeast-2");
            for (long slot = SLOT; slot < SLOT + 5; slot++) {
                name.writeId(slot, out, 2);
                assertThat(new String(out, 2, JobIds.LENGTH, StandardCharsets.US_ASCII)).isEqualTo(
                        JobIds.of("integration-with-a-rather-long-identifier-0001", type, "ap-southeast-2", slot));
            }
        }
    }

    @Test
    void idsStayWhatEarlierVersionsGave() {
        // Collectors dedupe on ids across restarts and upgrades: any change to how ids are made must keep these.
        assertThat(JobIds.of("int-1", "AWS::EC2::Instance", "us-east-1", 0))
                .isEqualTo("99aa4dd5-7963-834f-b466-0367e0575eae");
        assertThat(JobIds.of("int-1", "AWS::EC2::Instance", "us-east-1", SLOT))
                .isEqualTo("2b6e46f5-0ec9-8caa-b218-89892555fe82");
        assertThat(JobIds.of("3f0c6a52-7d1e-4c2b-9a57-1b2c3d4e5f60", "AWS::S3::Bucket", "eu-west-1", 4_102_444_800_000L))
                .isEqualTo("57ab70a0-2771-8dd8-81ee-6a30546e841b");
        assertThat(JobIds.of("integration-with-a-rather-long-identifier-0001", "AWS::CloudFormation::StackSet",
                "ap-southeast-2", SLOT)).isEqualTo("cdbc2bcd-cabb-8418-be59-bec262ea1cad");
        assertThat(JobIds.of("intégration-ü", "AWS::IAM::Role", "us-east-1", 4_102_444_800_000L))
                .isEqualTo("f4d37569-faa3-834e-ae55-4e5137b92ce5");
        assertThat(JobIds.of("", "T", "r", 0)).isEqualTo("8ad9689c-03c7-8ca1-956b-0a16264c3da4");
    }

    @Property(tries = 500)
    void theHotPathGivesTheIdOfTheHashOfTheWholeName(
            @ForAll @StringLength(max = 80) String integrationId,
            @ForAll @StringLength(min = 1, max = 50) String resourceType,
            @ForAll @StringLength(min = 1, max = 20) String region,
            @ForAll @LongRange(min = 0, max = 4_102_444_800_000L) long slot) {
        // Reference: the hash of the whole name built from strings, formatted by java.util.UUID.
        byte[] name = (integrationId + "\u001f" + resourceType + "\u001f" + region + "\u001f")
                .getBytes(StandardCharsets.UTF_8);
        byte[] input = java.util.Arrays.copyOf(name, name.length + Long.BYTES);
        java.nio.ByteBuffer.wrap(input).putLong(name.length, slot);
        long[] hash = JobIds.murmur3(input, input.length);
        String expected = new UUID((hash[0] & ~0xf000L) | 0x8000L,
                (hash[1] & 0x3fffffffffffffffL) | 0x8000000000000000L).toString();

        JobIds.Name reused = new JobIds.Name(integrationId);
        reused.target("AWS::Other::Type", "xx-other-1");
        reused.target(resourceType, region);
        byte[] out = new byte[JobIds.LENGTH + 3];
        reused.writeId(slot, out, 3);

        assertThat(new String(out, 3, JobIds.LENGTH, StandardCharsets.US_ASCII)).isEqualTo(expected);
    }

    @Test
    void aMillionSlotsOfOneTargetHaveNoCollision() {
        Set<String> ids = new HashSet<>();
        for (long slot = 0; slot < 1_000_000; slot++) {
            ids.add(JobIds.of("int-1", "AWS::EC2::Instance", "us-east-1", SLOT + slot * 60_000));
        }
        assertThat(ids).hasSize(1_000_000);
    }

    private static long[] hash(String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        return JobIds.murmur3(bytes, bytes.length);
    }
}
