package dev.onboarding.scheduler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.onboarding.scheduler.CollectionPlan.IntervalClass;
import dev.onboarding.scheduler.CollectionPlan.Target;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class CollectionPlanTest {
    private static final List<String> REGIONS = List.of("us-east-1", "eu-west-1", "ap-south-1");

    @Test
    void globalTypesOnceInTheHomeRegionRegionalTypesInEveryRegion() {
        CollectionPlan plan = CollectionPlan.of(TestCatalogs.minuteAndFiveMinutes(), REGIONS, "us-east-1",
                Duration.ofSeconds(10));

        // 2 global types + 2 regional types x 3 regions.
        assertThat(plan.jobCount()).isEqualTo(2 + 2 * 3);
        assertThat(plan.classes()).extracting(IntervalClass::interval)
                .containsExactly(Duration.ofMinutes(1), Duration.ofMinutes(5));
        IntervalClass minute = plan.classes().get(0);
        assertThat(minute.targets()).containsExactly(
                new Target("ec2", "AWS::EC2::Instance", "us-east-1"),
                new Target("ec2", "AWS::EC2::Instance", "eu-west-1"),
                new Target("ec2", "AWS::EC2::Instance", "ap-south-1"),
                new Target("lambda", "AWS::Lambda::Function", "us-east-1"),
                new Target("lambda", "AWS::Lambda::Function", "eu-west-1"),
                new Target("lambda", "AWS::Lambda::Function", "ap-south-1"),
                new Target("s3", "AWS::S3::Bucket", "us-east-1"));
        assertThat(plan.classes().get(1).targets()).containsExactly(new Target("iam", "AWS::IAM::Role", "us-east-1"));
    }

    @Test
    void slotsAreSpacedButNeverMoreThanTargetsNorFewerThanOne() {
        CollectionPlan plan = CollectionPlan.of(TestCatalogs.minuteAndFiveMinutes(), REGIONS, "us-east-1",
                Duration.ofSeconds(10));
        // 60 s / 10 s = 6 slots for 7 targets; 300 s / 10 s = 30 slots but only 1 target.
        assertThat(plan.classes()).extracting(IntervalClass::slots).containsExactly(6, 1);

        CollectionPlan coarse = CollectionPlan.of(TestCatalogs.minuteAndFiveMinutes(), REGIONS, "us-east-1",
                Duration.ofHours(2));
        assertThat(coarse.classes()).extracting(IntervalClass::slots).containsExactly(1, 1);
    }

    @Test
    void theSteadyRateIsTheSumOfTargetsOverIntervals() {
        CollectionPlan plan = CollectionPlan.of(TestCatalogs.minuteAndFiveMinutes(), REGIONS, "us-east-1",
                Duration.ofSeconds(10));

        assertThat(plan.jobsPerSecondPerAccount()).isCloseTo(7 / 60.0 + 1 / 300.0,
                org.assertj.core.data.Offset.offset(1e-9));
    }

    @Test
    void theFingerprintFollowsEverythingThatShapesTheSchedule() {
        CollectionPlan base = CollectionPlan.of(TestCatalogs.minuteAndFiveMinutes(), REGIONS, "us-east-1",
                Duration.ofSeconds(10));

        assertThat(CollectionPlan.of(TestCatalogs.minuteAndFiveMinutes(), REGIONS, "us-east-1", Duration.ofSeconds(10))
                .fingerprint()).isEqualTo(base.fingerprint());
        assertThat(CollectionPlan.of(TestCatalogs.minuteAndFiveMinutes(), REGIONS.subList(0, 2), "us-east-1",
                Duration.ofSeconds(10)).fingerprint()).isNotEqualTo(base.fingerprint());
        assertThat(CollectionPlan.of(TestCatalogs.minuteAndFiveMinutes(), REGIONS, "eu-west-1",
                Duration.ofSeconds(10)).fingerprint()).isNotEqualTo(base.fingerprint());
        assertThat(CollectionPlan.of(TestCatalogs.minuteAndFiveMinutes(), REGIONS, "us-east-1",
                Duration.ofSeconds(20)).fingerprint()).isNotEqualTo(base.fingerprint());
    }

    @Test
    void refusesNoRegionsAndANonPositiveSpacing() {
        assertThatThrownBy(() -> CollectionPlan.of(TestCatalogs.minuteAndFiveMinutes(), List.of(), "us-east-1",
                Duration.ofSeconds(10))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> CollectionPlan.of(TestCatalogs.minuteAndFiveMinutes(), REGIONS, "us-east-1",
                Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
    }
}
