package dev.onboarding.scheduler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.onboarding.config.Settings;
import dev.onboarding.config.SettingsException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SchedulerConfigTest {

    @Test
    void defaultsShipTheCatalogAndTheDefaultRegions() {
        SchedulerConfig config = config(Map.of());

        assertThat(config.catalog().types()).hasSizeGreaterThanOrEqualTo(100);
        assertThat(config.regions()).isEqualTo(SchedulerConfig.DEFAULT_REGIONS);
        assertThat(config.homeRegion()).isEqualTo("us-east-1");
        assertThat(config.tick()).isEqualTo(Duration.ofSeconds(1));
        assertThat(config.slotSpacing()).isEqualTo(Duration.ofSeconds(60));
        assertThat(config.deadlinePercent()).isEqualTo(100);
        assertThat(config.applicationId()).isEqualTo("onboarding-scheduler");
        assertThat(config.deadLetterTopic()).isEqualTo("onboarding.integrations.dlq");
    }

    @Test
    void streamsRunExactlyOnceWithTheConfiguredStateDirAndPassThroughSettings() {
        Properties props = config(Map.of("scheduler.state-dir", "/var/lib/scheduler",
                "scheduler.stream-threads", "2", "kafka.linger.ms", "20")).streamsProperties();

        assertThat(props).containsEntry(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2)
                .containsEntry(StreamsConfig.STATE_DIR_CONFIG, "/var/lib/scheduler")
                .containsEntry(StreamsConfig.NUM_STREAM_THREADS_CONFIG, 2)
                .containsEntry("linger.ms", "20")
                .containsEntry(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:9092");
    }

    @Test
    void streamThreadsWaitForInputOnlyBrieflyBetweenPunctuations() {
        // The scheduler's work is its punctuations: Streams' 100 ms poll.ms would idle a thread that is catching up.
        assertThat(config(Map.of()).streamsProperties()).containsEntry(StreamsConfig.POLL_MS_CONFIG, 10L);
        assertThat(config(Map.of("scheduler.poll-timeout", "50ms")).streamsProperties())
                .containsEntry(StreamsConfig.POLL_MS_CONFIG, 50L);
        assertKey(Map.of("scheduler.poll-timeout", "0s"), "scheduler.poll-timeout", "between");
        assertKey(Map.of("scheduler.poll-timeout", "5s"), "scheduler.poll-timeout", "between");
    }

    @Test
    void readsTheCatalogRegionsAndCadence(@TempDir Path dir) throws IOException {
        Path catalog = dir.resolve("catalog.csv");
        Files.writeString(catalog, "ec2,AWS::EC2::Instance,regional,15m\niam,AWS::IAM::Role,global,6h\n");

        SchedulerConfig config = config(Map.of("scheduler.catalog.file", catalog.toString(),
                "scheduler.regions", "eu-west-1, eu-central-1", "scheduler.home-region", "eu-west-1",
                "scheduler.tick", "500ms", "scheduler.slot-spacing", "30s", "scheduler.deadline-percent", "50"));

        assertThat(config.catalog().types()).hasSize(2);
        assertThat(config.regions()).containsExactly("eu-west-1", "eu-central-1");
        assertThat(config.plan().jobCount()).isEqualTo(2 + 1);
        assertThat(config.tick()).isEqualTo(Duration.ofMillis(500));
        assertThat(config.deadlinePercent()).isEqualTo(50);
    }

    @Test
    void aBadValueFailsNamingItsKey(@TempDir Path dir) throws IOException {
        Path broken = dir.resolve("broken.csv");
        Files.writeString(broken, "ec2,AWS::EC2::Instance,regional\n");

        assertKey(Map.of("scheduler.catalog.file", broken.toString()), "scheduler.catalog.file", "broken.csv:1");
        assertKey(Map.of("scheduler.catalog.file", dir.resolve("absent.csv").toString()), "scheduler.catalog.file",
                "absent.csv");
        assertKey(Map.of("scheduler.regions", "us-east-1,moon-1"), "scheduler.regions", "moon-1");
        assertKey(Map.of("scheduler.regions", "us-east-1,us-east-1"), "scheduler.regions", "twice");
        assertKey(Map.of("scheduler.home-region", "home"), "scheduler.home-region", "home");
        assertKey(Map.of("scheduler.tick", "10ms"), "scheduler.tick", "between");
        assertKey(Map.of("scheduler.slot-spacing", "soon"), "scheduler.slot-spacing", "duration");
        assertKey(Map.of("scheduler.deadline-percent", "5"), "scheduler.deadline-percent", "between");
        assertKey(Map.of("scheduler.max-jobs-per-tick", "0"), "scheduler.max-jobs-per-tick", "between");
        assertKey(Map.of("scheduler.application-id", "a b"), "scheduler.application-id", "letters");
    }

    @Test
    void kafkaAndRegistryAreRequired() {
        assertThatThrownBy(() -> SchedulerConfig.from(Settings.of(Map.of("schema.registry.url", "mock://x"))))
                .isInstanceOfSatisfying(SettingsException.class,
                        e -> assertThat(e.key()).isEqualTo("kafka.bootstrap.servers"));
        assertThatThrownBy(() -> SchedulerConfig.from(Settings.of(Map.of("kafka.bootstrap.servers", "x:9092"))))
                .isInstanceOfSatisfying(SettingsException.class,
                        e -> assertThat(e.key()).isEqualTo("schema.registry.url"));
    }

    private static void assertKey(Map<String, String> settings, String key, String mentions) {
        assertThatThrownBy(() -> config(settings)).isInstanceOfSatisfying(SettingsException.class, e -> {
            assertThat(e.key()).isEqualTo(key);
            assertThat(e.getMessage()).contains(mentions);
        });
    }

    private static SchedulerConfig config(Map<String, String> settings) {
        Map<String, String> all = new HashMap<>(Map.of("kafka.bootstrap.servers", "127.0.0.1:9092",
                "schema.registry.url", "mock://config-test"));
        all.putAll(settings);
        return SchedulerConfig.from(Settings.of(all));
    }
}
