package dev.onboarding.bench.soak;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.LogDirDescription;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * What the flood run reads from the running stack, as an operator would: the processor's {@code /metrics} (the
 * held callbacks, the decisions), the bytes of every topic on the broker's disk, and how many messages wait in the
 * regional queue.
 */
final class PipelineProbe implements AutoCloseable {
    // One Prometheus sample: name, optional labels, value.
    private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{(.*)})? (\\S+)$");

    /**
     * One reading.
     *
     * @param topicBytes  bytes on the broker's disk per topic (every partition)
     * @param inGrace     callbacks the processor holds in the grace now
     * @param overBound   held callbacks answered early because the held ones were past their bound, so far
     * @param decisions   answers the processor decided, so far
     * @param queued      messages in the regional queue (visible and in flight)
     */
    record Reading(Map<String, Long> topicBytes, long inGrace, long overBound, long decisions, long queued) {
    }

    private final SoakStack stack;
    private final String region;
    private final Admin admin;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    PipelineProbe(SoakStack stack, String region) {
        this.stack = stack;
        this.region = region;
        Map<String, Object> props = new HashMap<>();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, stack.kafka().bootstrapServers());
        this.admin = Admin.create(props);
    }

    /** Reads everything now. */
    Reading read() {
        Map<String, Double> samples = processorSamples();
        return new Reading(topicBytes(), (long) get(samples, "processor_callbacks_in_grace"),
                (long) get(samples, "processor_callbacks_held_over_bound_total"),
                (long) get(samples, "processor_decisions_total"), queued());
    }

    /** Callbacks held in the grace now, from the processors' {@code /metrics} only (no topic sizes). */
    long inGrace() {
        return (long) get(processorSamples(), "processor_callbacks_in_grace");
    }

    /** The processors' samples by name, summed over the instances. */
    private Map<String, Double> processorSamples() {
        Map<String, Double> samples = new HashMap<>();
        for (ChildJvm processor : stack.processors()) {
            for (String line : metrics(processor).split("\n")) {
                Matcher m = SAMPLE.matcher(line);
                if (!line.startsWith("#") && m.matches()) {
                    samples.merge(m.group(1), parse(m.group(4)), Double::sum);
                }
            }
        }
        return samples;
    }

    private static double get(Map<String, Double> samples, String name) {
        return samples.getOrDefault(name, 0.0);
    }

    private static double parse(String value) {
        try {
            return Double.parseDouble(value);
        } catch (NumberFormatException e) {
            return 0; // NaN and +Inf do not occur in what is read here
        }
    }

    private String metrics(ChildJvm app) {
        URI uri = app.ops("/metrics");
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30))
                    .GET().build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new IllegalStateException(uri + " answered " + response.statusCode());
            }
            return response.body();
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + uri + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** Bytes per topic in the broker's log directories. */
    private Map<String, Long> topicBytes() {
        try {
            Collection<Node> nodes = admin.describeCluster().nodes().get();
            List<Integer> ids = nodes.stream().map(Node::id).toList();
            Map<String, Long> bytes = new TreeMap<>();
            for (Map<String, LogDirDescription> dirs : admin.describeLogDirs(ids).allDescriptions().get().values()) {
                for (LogDirDescription dir : dirs.values()) {
                    dir.replicaInfos().forEach((partition, info) ->
                            bytes.merge(partition.topic(), info.size(), Long::sum));
                }
            }
            return bytes;
        } catch (ExecutionException e) {
            throw new IllegalStateException("cannot describe the broker's log dirs: " + e.getCause(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** Records on {@code topic} so far (its end offsets: the bridge's producer is not transactional). */
    long records(String topic) {
        try {
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions()
                    .forEach(p -> latest.put(new TopicPartition(topic, p.partition()), OffsetSpec.latest()));
            return admin.listOffsets(latest).all().get().values().stream().mapToLong(o -> o.offset()).sum();
        } catch (ExecutionException e) {
            throw new IllegalStateException("cannot read the end offsets of " + topic + ": " + e.getCause(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** Messages in the queue, visible or in flight (ElasticMQ's approximate counts). */
    long queued() {
        Map<QueueAttributeName, String> attributes = stack.sender(region).getQueueAttributes(b -> b
                .queueUrl(stack.queueUrl(region)).attributeNames(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES,
                        QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE)).attributes();
        return attributes.values().stream().mapToLong(Long::parseLong).sum();
    }

    @Override
    public void close() {
        admin.close(Duration.ofSeconds(5));
    }
}
