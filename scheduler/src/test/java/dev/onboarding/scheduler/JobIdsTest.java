package dev.onboarding.scheduler;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
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
