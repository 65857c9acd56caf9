package dev.onboarding.scheduler;

import dev.onboarding.scheduler.JobCatalog.ResourceType;
import java.time.Duration;
import java.util.List;

/** Small catalogs that make the schedule easy to reason about in tests. */
final class TestCatalogs {
    private TestCatalogs() {
    }

    /**
     * Two regional and one global type every minute, one global type every five minutes: over three regions a
     * 1-minute class of 7 targets and a 5-minute class of 1.
     */
    static JobCatalog minuteAndFiveMinutes() {
        return JobCatalog.of(List.of(
                new ResourceType("ec2", "AWS::EC2::Instance", false, Duration.ofMinutes(1)),
                new ResourceType("lambda", "AWS::Lambda::Function", false, Duration.ofMinutes(1)),
                new ResourceType("s3", "AWS::S3::Bucket", true, Duration.ofMinutes(1)),
                new ResourceType("iam", "AWS::IAM::Role", true, Duration.ofMinutes(5))));
    }

    /** Every type of {@code types} regional, all at {@code interval}. */
    static JobCatalog regional(Duration interval, String... types) {
        return JobCatalog.of(java.util.Arrays.stream(types)
                .map(t -> new ResourceType(t.split("::")[1].toLowerCase(java.util.Locale.ROOT), t, false, interval))
                .toList());
    }
}
