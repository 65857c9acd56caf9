package dev.onboarding.cli;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * The endpoints of a running local stack, as {@code onboarding local} (or {@code demo}) wrote them:
 * {@code kafka.bootstrap.servers}, {@code schema.registry.url}, {@code sqs.<region>.queue.url} and
 * {@code sqs.<region>.endpoint} per region, {@code sts.endpoint}, {@code s3.response.endpoint} and
 * {@code http.<app>.url} for the bridge, processor, scheduler and API. A missing key is one clear error naming the key
 * and the file.
 */
public final class EndpointsFile {
    /** The Kafka bootstrap servers. */
    public static final String KAFKA_BOOTSTRAP = "kafka.bootstrap.servers";
    /** The Confluent-compatible schema registry. */
    public static final String SCHEMA_REGISTRY = "schema.registry.url";
    /** The STS stand-in. */
    public static final String STS = "sts.endpoint";
    /** The S3 stand-in that receives CloudFormation responses. */
    public static final String S3_RESPONSE = "s3.response.endpoint";
    /** The processor's HTTP endpoint (queries, health). */
    public static final String PROCESSOR_URL = "http.processor.url";
    /** The API's base URL (the onboarding page at its root). */
    public static final String API_URL = "http.api.url";

    private final Path file;
    private final Map<String, String> values;

    private EndpointsFile(Path file, Map<String, String> values) {
        this.file = file;
        this.values = Map.copyOf(values);
    }

    /** Reads {@code file}; a missing file is an error that says how to create it. */
    public static EndpointsFile read(Path file) {
        Properties props = new Properties();
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            props.load(in);
        } catch (NoSuchFileException e) {
            throw new IllegalStateException("endpoints file " + file + " does not exist: start `onboarding local` "
                    + "first (it writes the file), or pass --endpoints-file");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read endpoints file " + file, e);
        }
        Map<String, String> values = new TreeMap<>();
        props.stringPropertyNames().forEach(k -> values.put(k, props.getProperty(k).trim()));
        return new EndpointsFile(file, values);
    }

    /** Endpoints from a map (tests and in-process use). */
    public static EndpointsFile of(Map<String, String> values) {
        return new EndpointsFile(Path.of("(in memory)"), values);
    }

    /** The value of {@code key}, or an error naming the key and the file. */
    public String require(String key) {
        String value = values.get(key);
        if (value == null || value.isEmpty()) {
            throw new IllegalStateException("endpoints file " + file + " has no " + key
                    + " (is it from an older or different run of `onboarding local`?)");
        }
        return value;
    }

    /** {@code kafka.bootstrap.servers}. */
    public String kafkaBootstrapServers() {
        return require(KAFKA_BOOTSTRAP);
    }

    /** {@code schema.registry.url}. */
    public String schemaRegistryUrl() {
        return require(SCHEMA_REGISTRY);
    }

    /** {@code sts.endpoint}. */
    public URI stsEndpoint() {
        return URI.create(require(STS));
    }

    /** {@code s3.response.endpoint}. */
    public URI s3ResponseEndpoint() {
        return URI.create(require(S3_RESPONSE));
    }

    /** {@code http.processor.url}. */
    public String processorUrl() {
        return require(PROCESSOR_URL);
    }

    /** {@code http.api.url}. */
    public URI apiUrl() {
        return URI.create(require(API_URL));
    }

    /** {@code sqs.<region>.queue.url}; an unknown region is an error listing the known ones. */
    public String queueUrl(String region) {
        return regional(region, "queue.url");
    }

    /** {@code sqs.<region>.endpoint}. */
    public URI sqsEndpoint(String region) {
        return URI.create(regional(region, "endpoint"));
    }

    /** The regions that have a queue. */
    public SortedSet<String> regions() {
        TreeSet<String> regions = new TreeSet<>();
        for (String key : values.keySet()) {
            if (key.startsWith("sqs.") && key.endsWith(".queue.url")) {
                regions.add(key.substring(4, key.length() - ".queue.url".length()));
            }
        }
        return regions;
    }

    /** Where these endpoints came from. */
    public Path file() {
        return file;
    }

    private String regional(String region, String suffix) {
        String key = "sqs." + region + "." + suffix;
        if (!values.containsKey(key)) {
            throw new IllegalStateException("region " + region + " has no queue in endpoints file " + file
                    + " (regions: " + String.join(", ", regions()) + "; `onboarding local --regions` picks them)");
        }
        return require(key);
    }
}
