package dev.onboarding.schemas.topics;

import dev.onboarding.config.KafkaSettings;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * Creates every topic of the catalog idempotently: missing topics are created with their settings;
 * existing ones get their cleanup and retention configs corrected; a partition count that differs is
 * reported, never changed (that would move keys between partitions).
 */
public final class TopicCreator {
    private static final int ADMIN_TIMEOUT_MS = 30_000;

    private final Admin admin;
    private final long timeoutMs;

    /** Uses {@code admin}; each admin call waits at most {@code timeoutMs}. */
    public TopicCreator(Admin admin, long timeoutMs) {
        this.admin = admin;
        this.timeoutMs = timeoutMs;
    }

    /** What happened to one topic. */
    public record Outcome(String topic, Action action, String detail) {
    }

    /** The action taken for a topic. */
    public enum Action {
        /** It did not exist and was created. */
        CREATED,
        /** It existed with the right settings. */
        UNCHANGED,
        /** It existed; its configs were corrected. */
        RECONFIGURED,
        /** It existed with a different partition count (left as is). */
        PARTITIONS_DIFFER
    }

    /**
     * Creates or corrects every topic in {@code topics} with a short-lived admin client of {@code kafka} (each call
     * bounded at 30 s): what {@code onboarding topics create} and {@code topics.create-on-start} do.
     */
    public static List<Outcome> createAll(KafkaSettings kafka, TopicSettings topics) {
        Map<String, Object> props = kafka.clientProperties();
        props.putIfAbsent(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, ADMIN_TIMEOUT_MS);
        try (Admin admin = Admin.create(props)) {
            return new TopicCreator(admin, ADMIN_TIMEOUT_MS).createAll(topics);
        }
    }

    /** Creates or corrects every topic in {@code settings}. */
    public List<Outcome> createAll(TopicSettings settings) {
        List<TopicSpec> specs = new ArrayList<>();
        settings.all().forEach(specs::add);
        return create(specs);
    }

    /** Creates or corrects the given topics. */
    public List<Outcome> create(Collection<TopicSpec> specs) {
        try {
            Set<String> existing = admin.listTopics().names().get(timeoutMs, TimeUnit.MILLISECONDS);
            List<Outcome> outcomes = new ArrayList<>();
            List<NewTopic> missing = new ArrayList<>();
            for (TopicSpec spec : specs) {
                if (!existing.contains(spec.name())) {
                    missing.add(spec.newTopic());
                }
            }
            Map<String, KafkaFuture<Void>> created = missing.isEmpty() ? Map.of()
                    : admin.createTopics(missing).values();
            for (TopicSpec spec : specs) {
                if (created.containsKey(spec.name())) {
                    try {
                        created.get(spec.name()).get(timeoutMs, TimeUnit.MILLISECONDS);
                        outcomes.add(new Outcome(spec.name(), Action.CREATED, spec.partitions() + " partitions"));
                        continue;
                    } catch (ExecutionException e) {
                        if (!(e.getCause() instanceof TopicExistsException)) {
                            throw e;
                        }
                        // Created concurrently by another instance: check it like an existing one.
                    }
                }
                outcomes.add(reconcile(spec));
            }
            return outcomes;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating topics", e);
        } catch (ExecutionException | TimeoutException e) {
            Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
            throw new IllegalStateException("cannot create topics: " + cause.getMessage(), cause);
        }
    }

    private Outcome reconcile(TopicSpec spec) throws InterruptedException, ExecutionException, TimeoutException {
        TopicDescription description = admin.describeTopics(List.of(spec.name())).allTopicNames()
                .get(timeoutMs, TimeUnit.MILLISECONDS).get(spec.name());
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, spec.name());
        Config current = admin.describeConfigs(List.of(resource)).all().get(timeoutMs, TimeUnit.MILLISECONDS)
                .get(resource);
        List<AlterConfigOp> changes = new ArrayList<>();
        spec.configs().forEach((key, value) -> {
            ConfigEntry entry = current.get(key);
            if (entry == null || !value.equals(entry.value())) {
                changes.add(new AlterConfigOp(new ConfigEntry(key, value), AlterConfigOp.OpType.SET));
            }
        });
        if (!changes.isEmpty()) {
            admin.incrementalAlterConfigs(Map.of(resource, changes)).all().get(timeoutMs, TimeUnit.MILLISECONDS);
        }
        int partitions = description.partitions().size();
        if (partitions != spec.partitions()) {
            return new Outcome(spec.name(), Action.PARTITIONS_DIFFER,
                    "has " + partitions + " partitions, config says " + spec.partitions() + " (left as is)");
        }
        return changes.isEmpty() ? new Outcome(spec.name(), Action.UNCHANGED, "")
                : new Outcome(spec.name(), Action.RECONFIGURED, changes.size() + " config(s) corrected");
    }
}
