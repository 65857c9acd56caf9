package dev.onboarding.embedded;

import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.MetadataVersion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A single-node Kafka (KRaft, broker and controller combined) running inside this JVM on 127.0.0.1, configured so
 * transactions and exactly-once clients work with one replica.
 *
 * <p>Use {@link #shared()} in tests: one broker per JVM is much cheaper than one per test class.
 */
public final class EmbeddedKafka implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafka.class);
    private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(60);
    private static final String CONTROLLER_LISTENER = "CONTROLLER";
    private static final int NODE_ID = 1;

    private static EmbeddedKafka shared; // guarded by EmbeddedKafka.class

    private final Path logDir;
    private final int brokerPort;
    private final Properties brokerConfig;
    private final boolean isShared;
    private final Thread shutdownHook;
    private KafkaRaftServer server; // guarded by this
    private boolean closed; // guarded by this

    private EmbeddedKafka(Path logDir, int brokerPort, Properties brokerConfig, boolean isShared) {
        this.logDir = logDir;
        this.brokerPort = brokerPort;
        this.brokerConfig = brokerConfig;
        this.isShared = isShared;
        // A JVM that ends without close() must still stop the broker and remove its log dir.
        this.shutdownHook = Support.addShutdownHook("embedded-kafka-shutdown-" + brokerPort, this::shutdownAndDelete);
    }

    /**
     * Leaves stopping this broker at JVM exit to the caller. JVM shutdown hooks run concurrently, so an owner whose
     * own hook first closes the apps using the broker must take this one out, or the broker can vanish under them.
     */
    public void detachShutdownHook() {
        Support.removeShutdownHook(shutdownHook);
    }

    /** Starts a new broker with the default single-node settings; the caller closes it. */
    public static EmbeddedKafka start() {
        return start(new Properties());
    }

    /**
     * Starts a new broker; {@code overrides} are applied on top of the defaults (do not override listeners, ports,
     * node id or log dirs). The caller closes it.
     */
    public static EmbeddedKafka start(Properties overrides) {
        return start(overrides, false);
    }

    /**
     * The broker shared by every test of this JVM, started on first use and stopped by a shutdown hook.
     * {@link #close()} on it does nothing, so one test cannot take it away from the others.
     */
    public static synchronized EmbeddedKafka shared() {
        if (shared == null) {
            shared = start(new Properties(), true);
        }
        return shared;
    }

    private static EmbeddedKafka start(Properties overrides, boolean isShared) {
        Path logDir;
        try {
            logDir = Files.createTempDirectory("embedded-kafka-");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the Kafka log dir", e);
        }
        EmbeddedKafka kafka = null;
        try {
            // Both ports are chosen up front: KafkaRaftServer cannot report the port it bound.
            int[] ports = Support.freeLoopbackPorts(2);
            Properties config = defaultConfig(logDir, ports[0], ports[1]);
            config.putAll(overrides);
            format(logDir, config);
            kafka = new EmbeddedKafka(logDir, ports[0], config, isShared);
            kafka.startServer();
            LOG.info("embedded Kafka listening on {} (log dir {})", kafka.bootstrapServers(), logDir);
            return kafka;
        } catch (RuntimeException | Error e) {
            if (kafka != null) {
                kafka.shutdownAndDelete();
                Support.removeShutdownHook(kafka.shutdownHook);
            } else {
                Support.deleteQuietly(logDir, LOG);
            }
            throw e;
        }
    }

    private static Properties defaultConfig(Path logDir, int brokerPort, int controllerPort) {
        Properties p = new Properties();
        p.put("process.roles", "broker,controller");
        p.put("node.id", String.valueOf(NODE_ID));
        p.put("controller.quorum.voters", NODE_ID + "@" + Support.LOOPBACK + ":" + controllerPort);
        p.put("controller.listener.names", CONTROLLER_LISTENER);
        p.put("listeners", "PLAINTEXT://" + Support.LOOPBACK + ":" + brokerPort
                + "," + CONTROLLER_LISTENER + "://" + Support.LOOPBACK + ":" + controllerPort);
        p.put("advertised.listeners", "PLAINTEXT://" + Support.LOOPBACK + ":" + brokerPort);
        p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT," + CONTROLLER_LISTENER + ":PLAINTEXT");
        p.put("inter.broker.listener.name", "PLAINTEXT");
        p.put("log.dirs", logDir.toString());
        // One replica everywhere; at the default of 3 for the transaction log, initTransactions hangs.
        p.put("offsets.topic.replication.factor", "1");
        p.put("transaction.state.log.replication.factor", "1");
        p.put("transaction.state.log.min.isr", "1");
        p.put("share.coordinator.state.topic.replication.factor", "1");
        p.put("share.coordinator.state.topic.min.isr", "1");
        p.put("default.replication.factor", "1");
        p.put("min.insync.replicas", "1");
        // Fewer internal partitions: the first group / transaction coordinator lookup is much quicker than with 50.
        p.put("offsets.topic.num.partitions", "5");
        p.put("transaction.state.log.num.partitions", "5");
        p.put("share.coordinator.state.topic.num.partitions", "5");
        p.put("group.initial.rebalance.delay.ms", "0");
        p.put("auto.create.topics.enable", "false");
        // The log cleaner allocates this buffer up front; the 128 MB default is wasted on a test broker.
        p.put("log.cleaner.dedupe.buffer.size", String.valueOf(2 * 1024 * 1024));
        return p;
    }

    private static void format(Path logDir, Properties config) {
        try {
            new Formatter()
                    .setNodeId(NODE_ID)
                    .setClusterId(Uuid.randomUuid().toString())
                    .addDirectory(logDir.toString())
                    .setMetadataLogDirectory(logDir.toString())
                    .setControllerListenerName(config.getProperty("controller.listener.names"))
                    .setReleaseVersion(MetadataVersion.LATEST_PRODUCTION)
                    .setPrintStream(new PrintStream(OutputStream.nullOutputStream()))
                    .run();
        } catch (Exception e) {
            throw new IllegalStateException("cannot format the Kafka log dir " + logDir, e);
        }
    }

    /** The bootstrap address for clients, {@code 127.0.0.1:<port>}; it does not change across restarts. */
    public String bootstrapServers() {
        return Support.LOOPBACK + ":" + brokerPort;
    }

    /** Whether the broker is currently running (false after {@link #stop()} until {@link #restart()}). */
    public synchronized boolean isRunning() {
        return server != null;
    }

    /** Stops the broker but keeps its log dir and ports, so {@link #restart()} brings the same data back. */
    public synchronized void stop() {
        KafkaRaftServer running = server;
        server = null;
        if (running != null) {
            running.shutdown();
            running.awaitShutdown();
            LOG.info("embedded Kafka on {} stopped", bootstrapServers());
        }
    }

    /** Stops the broker (if running) and starts it again on the same ports and log dir. */
    public synchronized void restart() {
        if (closed) {
            throw new IllegalStateException("embedded Kafka is closed");
        }
        stop();
        startServer();
        LOG.info("embedded Kafka on {} restarted", bootstrapServers());
    }

    /** Creates a topic with one replica; an existing topic of that name is left alone. */
    public void createTopic(String name, int partitions) {
        try (Admin admin = Admin.create(adminConfig())) {
            try {
                admin.createTopics(List.of(new NewTopic(name, partitions, (short) 1))).all().get(30, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw new IllegalStateException("cannot create topic " + name, e.getCause());
                }
            }
            awaitLeaders(admin, name);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating topic " + name, e);
        } catch (TimeoutException e) {
            throw new IllegalStateException("timed out creating topic " + name, e);
        }
    }

    /**
     * Waits until every partition of {@code topic} has a leader: creation is acknowledged before the leaders
     * are elected, and a client that writes at once would otherwise wait on its own metadata refresh.
     */
    private static void awaitLeaders(Admin admin, String topic) throws InterruptedException, TimeoutException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            try {
                TopicDescription description = admin.describeTopics(List.of(topic)).allTopicNames()
                        .get(10, TimeUnit.SECONDS).get(topic);
                if (description != null && !description.partitions().isEmpty() && description.partitions().stream()
                        .allMatch(p -> p.leader() != null && !p.leader().isEmpty())) {
                    return;
                }
            } catch (ExecutionException e) {
                // Not known to the metadata yet (UnknownTopicOrPartition): ask again.
            }
            if (System.nanoTime() > deadline) {
                throw new TimeoutException("no leader for every partition of " + topic + " after 30 s");
            }
            Thread.sleep(20);
        }
    }

    /** Stops the broker and deletes its log dir; does nothing on the {@link #shared()} broker. */
    @Override
    public void close() {
        if (isShared) {
            LOG.debug("close() ignored on the shared embedded Kafka; a shutdown hook stops it");
            return;
        }
        shutdownAndDelete();
        Support.removeShutdownHook(shutdownHook);
    }

    private void shutdownAndDelete() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            try {
                stop();
            } catch (RuntimeException e) {
                LOG.warn("embedded Kafka did not stop cleanly", e);
            }
        }
        Support.deleteQuietly(logDir, LOG);
    }

    private void startServer() {
        long deadline = System.nanoTime() + STARTUP_TIMEOUT.toNanos();
        RuntimeException lastFailure = null;
        // After a restart the old sockets may linger for a moment; retry binding until the deadline.
        while (System.nanoTime() < deadline) {
            KafkaRaftServer candidate = new KafkaRaftServer(KafkaConfig.fromProps(brokerConfig, false), Time.SYSTEM);
            try {
                candidate.startup();
                server = candidate;
                awaitReady(deadline);
                return;
            } catch (RuntimeException e) {
                lastFailure = e;
                server = null;
                try {
                    candidate.shutdown();
                    candidate.awaitShutdown();
                } catch (RuntimeException suppressed) {
                    e.addSuppressed(suppressed);
                }
                if (!isBindFailure(e)) {
                    break;
                }
                LOG.debug("embedded Kafka could not bind yet, retrying", e);
                Support.pause(200);
            }
        }
        throw new IllegalStateException("embedded Kafka did not start on " + bootstrapServers()
                + " within " + STARTUP_TIMEOUT.toSeconds() + " s", lastFailure);
    }

    private static boolean isBindFailure(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof java.net.BindException
                    || (t.getMessage() != null && t.getMessage().contains("Address already in use"))) {
                return true;
            }
        }
        return false;
    }

    /** Waits until the broker answers requests (not just until its threads started). */
    private void awaitReady(long deadlineNanos) {
        Exception last = null;
        try (Admin admin = Admin.create(adminConfig())) {
            while (System.nanoTime() < deadlineNanos) {
                try {
                    Collection<Node> nodes = admin.describeCluster().nodes().get(10, TimeUnit.SECONDS);
                    if (!nodes.isEmpty()) {
                        return;
                    }
                } catch (ExecutionException | TimeoutException e) {
                    last = e;
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while waiting for embedded Kafka", e);
                }
                Support.pause(100);
            }
        }
        throw new IllegalStateException("embedded Kafka on " + bootstrapServers() + " never answered", last);
    }

    private Properties adminConfig() {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "5000");
        p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "10000");
        return p;
    }
}
