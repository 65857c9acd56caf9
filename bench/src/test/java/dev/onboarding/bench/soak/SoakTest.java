package dev.onboarding.bench.soak;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The soak's short version for CI: 1,000 requests of the full mix across three regions, one crash of each kind
 * (bridge and processor killed with destroyForcibly, the broker restarted, S3 down for 10 s), and every check of
 * the full soak. A 10 s session timeout lets the killed processor's partitions move on sooner than Kafka's 45 s.
 */
class SoakTest {

    @Test
    @Timeout(value = 20, unit = TimeUnit.MINUTES)
    void nothingLostNothingDecidedTwiceNobodyLetInUnderFaults() {
        SoakOptions options = SoakOptions.parse("requests=1000", "rate=25", "processors=1", "s3-outage=10s",
                "patience=4m", "job-allowance=20s", "session-timeout=10s", "child-heap=320m");

        SoakReport report = Soak.run(options, System.out);

        report.print(System.out);
        assertThat(report.checks()).hasSizeGreaterThanOrEqualTo(12);
        assertThat(report.failed()).as(report.toString()).isEmpty();
    }
}
