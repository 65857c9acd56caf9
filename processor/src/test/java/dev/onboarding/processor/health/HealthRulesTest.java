package dev.onboarding.processor.health;

import static org.assertj.core.api.Assertions.assertThat;

import dev.onboarding.contract.CollectionOutcome;
import dev.onboarding.contract.DeniedJobType;
import dev.onboarding.contract.HealthStatus;
import dev.onboarding.contract.IntegrationHealth;
import dev.onboarding.contract.RoleVerification;
import dev.onboarding.contract.RoleVerificationOutcome;
import dev.onboarding.processor.health.HealthRules.Collection;
import dev.onboarding.processor.health.HealthRules.RoleCheck;
import dev.onboarding.processor.health.HealthRules.RoleCheckOutcome;
import dev.onboarding.processor.health.HealthRules.Verdict;
import java.time.Instant;
import java.util.Set;
import org.junit.jupiter.api.Test;

class HealthRulesTest {
    private static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");
    private static final String EC2 = "AWS::EC2::Instance";
    private static final String S3 = "AWS::S3::Bucket";
    private final HealthRules rules = new HealthRules(3, TemplateGrants.of(Set.of("ec2:DescribeInstances")));

    private static Collection ok(String type, int second) {
        return new Collection(type, CollectionOutcome.OK, null, T0.plusSeconds(second));
    }

    private static Collection denied(String type, String action, int second) {
        return new Collection(type, CollectionOutcome.ACCESS_DENIED, action, T0.plusSeconds(second));
    }

    private static RoleCheck role(RoleCheckOutcome outcome, int second) {
        return new RoleCheck(outcome, outcome == RoleCheckOutcome.DENIED ? "AccessDenied" : null,
                T0.plusSeconds(second));
    }

    private static IntegrationHealth healthy() {
        return IntegrationHealth.newBuilder().setStatus(HealthStatus.HEALTHY).setSince(T0).setLastCheckedAt(T0)
                .build();
    }

    @Test
    void theFirstSuccessfulCheckMakesANewIntegrationHealthyAndLaterOnesChangeNothing() {
        Verdict first = rules.apply(null, 0, role(RoleCheckOutcome.ASSUMED, 1));
        assertThat(first.changed()).get().satisfies(h -> {
            assertThat(h.getStatus()).isEqualTo(HealthStatus.HEALTHY);
            assertThat(h.getReason()).isNull();
            assertThat(h.getLastCheckedAt()).isEqualTo(T0.plusSeconds(1));
        });
        assertThat(rules.apply(first.changed().get(), 0, role(RoleCheckOutcome.ASSUMED, 2)).changed()).isEmpty();
        assertThat(rules.apply(first.changed().get(), 0, ok(EC2, 3)).changed()).isEmpty();
    }

    @Test
    void unreachableOnlyAfterTheConfiguredRunOfConsecutiveDenials() {
        IntegrationHealth health = healthy();
        Verdict one = rules.apply(health, 0, role(RoleCheckOutcome.DENIED, 1));
        assertThat(one.consecutiveDenials()).isEqualTo(1);
        assertThat(one.changed()).isEmpty();
        Verdict two = rules.apply(health, one.consecutiveDenials(), denied(EC2, "sts:AssumeRole", 2));
        assertThat(two.consecutiveDenials()).isEqualTo(2);
        assertThat(two.changed()).isEmpty();
        Verdict three = rules.apply(health, two.consecutiveDenials(), role(RoleCheckOutcome.DENIED, 3));
        assertThat(three.consecutiveDenials()).isEqualTo(3);
        assertThat(three.changed()).get().satisfies(h -> {
            assertThat(h.getStatus()).isEqualTo(HealthStatus.UNREACHABLE);
            assertThat(h.getReason()).contains("could not be assumed in 3 consecutive checks").contains("paused");
            assertThat(h.getSince()).isEqualTo(T0.plusSeconds(3));
        });
        // Further denials keep it UNREACHABLE without a new version.
        assertThat(rules.apply(three.changed().get(), 3, role(RoleCheckOutcome.DENIED, 4)).changed()).isEmpty();
    }

    @Test
    void aMemberAccountOutOfItsOrganizationIsUnreachableAfterTheSameRun() {
        RoleVerification mismatch = RoleVerification.newBuilder()
                .setOutcome(RoleVerificationOutcome.ORGANIZATION_MISMATCH).setErrorCode("AWSOrganizationsNotInUseException")
                .setAttempts(2).setVerifiedAt(T0.plusSeconds(1)).build();
        RoleCheck check = RoleCheck.of(mismatch, T0.plusSeconds(2));
        assertThat(check.outcome()).isEqualTo(RoleCheckOutcome.LEFT_ORGANIZATION);
        assertThat(check.at()).isEqualTo(T0.plusSeconds(1));
        Verdict two = rules.apply(healthy(), 1, check);
        assertThat(two.consecutiveDenials()).isEqualTo(2);
        assertThat(two.changed()).isEmpty();
        assertThat(rules.apply(healthy(), 2, check).changed()).get().satisfies(h -> {
            assertThat(h.getStatus()).isEqualTo(HealthStatus.UNREACHABLE);
            assertThat(h.getReason()).contains("not in its expected organization in 3 consecutive checks")
                    .contains("AWSOrganizationsNotInUseException").contains("paused");
        });
        assertThat(rules.apply(healthy(), 2, role(RoleCheckOutcome.ASSUMED, 3)).consecutiveDenials())
                .as("back in the organization: the run ends").isZero();
    }

    @Test
    void errorsAndThrottlingNeitherCountNorBreakTheRun() {
        IntegrationHealth health = healthy();
        int run = rules.apply(health, 0, role(RoleCheckOutcome.DENIED, 1)).consecutiveDenials();
        run = rules.apply(health, run, role(RoleCheckOutcome.DENIED, 2)).consecutiveDenials();
        for (Verdict v : new Verdict[] {rules.apply(health, run, role(RoleCheckOutcome.UNKNOWN, 3)),
                rules.apply(health, run, new Collection(EC2, CollectionOutcome.THROTTLED, null, T0)),
                rules.apply(health, run, new Collection(EC2, CollectionOutcome.ERROR, null, T0))}) {
            assertThat(v.consecutiveDenials()).isEqualTo(2);
            assertThat(v.changed()).isEmpty();
        }
        assertThat(rules.apply(health, run, role(RoleCheckOutcome.DENIED, 4)).changed()).get()
                .extracting(IntegrationHealth::getStatus).isEqualTo(HealthStatus.UNREACHABLE);
    }

    @Test
    void aSuccessBreaksTheRunOfDenials() {
        IntegrationHealth health = healthy();
        int run = rules.apply(health, 0, role(RoleCheckOutcome.DENIED, 1)).consecutiveDenials();
        run = rules.apply(health, run, role(RoleCheckOutcome.DENIED, 2)).consecutiveDenials();
        Verdict success = rules.apply(health, run, ok(EC2, 3));
        assertThat(success.consecutiveDenials()).isZero();
        assertThat(rules.apply(health, success.consecutiveDenials(), role(RoleCheckOutcome.DENIED, 4)).changed())
                .isEmpty();
        // Another action denied also proves the role was assumed.
        assertThat(rules.apply(health, 2, denied(S3, "s3:ListAllMyBuckets", 5)).consecutiveDenials()).isZero();
    }

    @Test
    void aLaterSuccessfulCheckMakesAnUnreachableIntegrationHealthyAgain() {
        IntegrationHealth unreachable = rules.apply(healthy(), 2, role(RoleCheckOutcome.DENIED, 1)).changed()
                .orElseThrow();
        Verdict back = rules.apply(unreachable, 3, role(RoleCheckOutcome.ASSUMED, 60));
        assertThat(back.consecutiveDenials()).isZero();
        assertThat(back.changed()).get().satisfies(h -> {
            assertThat(h.getStatus()).isEqualTo(HealthStatus.HEALTHY);
            assertThat(h.getReason()).isNull();
            assertThat(h.getSince()).isEqualTo(T0.plusSeconds(60));
        });
        assertThat(rules.apply(unreachable, 3, ok(EC2, 61)).changed()).get()
                .extracting(IntegrationHealth::getStatus).isEqualTo(HealthStatus.HEALTHY);
    }

    @Test
    void aDeniedJobTypeDegradesAndSaysWhetherTheTemplateGrantsIt() {
        Verdict granted = rules.apply(healthy(), 0, denied(EC2, "ec2:DescribeInstances", 1));
        IntegrationHealth degraded = granted.changed().orElseThrow();
        assertThat(degraded.getStatus()).isEqualTo(HealthStatus.DEGRADED);
        assertThat(degraded.getDeniedJobTypes()).singleElement().satisfies(d -> {
            assertThat(d.getResourceType()).isEqualTo(EC2);
            assertThat(d.getAction()).isEqualTo("ec2:DescribeInstances");
            assertThat(d.getGrantedByTemplate()).isTrue();
        });
        assertThat(degraded.getReason()).contains("possibly by an organization SCP or a permissions boundary")
                .contains("not a template fix").contains(EC2);

        IntegrationHealth both = rules.apply(degraded, 0, denied(S3, "s3:GetBucketPolicy", 2)).changed()
                .orElseThrow();
        assertThat(both.getDeniedJobTypes()).extracting(DeniedJobType::getResourceType).containsExactly(EC2, S3);
        assertThat(both.getDeniedJobTypes().get(1).getGrantedByTemplate()).isFalse();
        assertThat(both.getReason()).contains("not granted by the current template: " + S3);
        assertThat(both.getSince()).as("still DEGRADED since the first denial").isEqualTo(T0.plusSeconds(1));
    }

    @Test
    void theSameDenialAgainWritesNoNewVersionAndAnOkForTheTypeTakesItOff() {
        IntegrationHealth degraded = rules.apply(healthy(), 0, denied(EC2, "ec2:DescribeInstances", 1)).changed()
                .orElseThrow();
        assertThat(rules.apply(degraded, 0, denied(EC2, "ec2:DescribeInstances", 2)).changed()).isEmpty();
        assertThat(rules.apply(degraded, 0, ok(S3, 3)).changed()).as("another type's OK").isEmpty();
        assertThat(rules.apply(degraded, 0, ok(EC2, 4)).changed()).get()
                .satisfies(h -> {
                    assertThat(h.getStatus()).isEqualTo(HealthStatus.HEALTHY);
                    assertThat(h.getDeniedJobTypes()).isEmpty();
                });
    }

    @Test
    void iamComparesActionsCaseInsensitively() {
        assertThat(TemplateGrants.of(Set.of("ec2:DescribeInstances")).grants("EC2:describeinstances")).isTrue();
        assertThat(rules.apply(healthy(), 2, denied(EC2, "STS:assumerole", 1)).changed()).get()
                .extracting(IntegrationHealth::getStatus).isEqualTo(HealthStatus.UNREACHABLE);
    }

    @Test
    void theShippedCatalogGrantsItsCollectorsActions() {
        TemplateGrants shipped = TemplateGrants.shipped();
        assertThat(shipped.grants("ec2:DescribeInstances")).isTrue();
        assertThat(shipped.grants("s3:PutObject")).isFalse();
        assertThat(shipped.size()).isGreaterThan(100);
    }

    @Test
    void deniedJobTypesAreBoundedTheOldestLeavingFirst() {
        IntegrationHealth health = healthy();
        int made = HealthRules.MAX_DENIED_JOB_TYPES + 5;
        for (int i = 0; i < made; i++) {
            health = rules.apply(health, 0, denied("Made::Up::Type" + i, "made:Up", i)).changed().orElseThrow();
        }

        assertThat(health.getDeniedJobTypes()).hasSize(HealthRules.MAX_DENIED_JOB_TYPES);
        assertThat(health.getDeniedJobTypes()).extracting(d -> d.getResourceType())
                .doesNotContain("Made::Up::Type0", "Made::Up::Type4")
                .contains("Made::Up::Type5", "Made::Up::Type" + (made - 1));
    }
}
