package dev.onboarding.bench.scheduler;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * CPU time of this JVM's threads over a window, summed by group (stream threads, their producers' sender threads,
 * the broker, ...): says where the cores went while a side was measured, and how busy the stream threads were.
 */
final class ThreadCpu {
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private final Function<String, String> grouping;
    private final Map<Long, Long> before = new HashMap<>();
    private final Map<Long, String> names = new HashMap<>();
    private final long startedNanos;

    private ThreadCpu(Function<String, String> grouping) {
        this.grouping = grouping;
        this.startedNanos = System.nanoTime();
        for (ThreadInfo info : THREADS.getThreadInfo(THREADS.getAllThreadIds())) {
            if (info != null) {
                before.put(info.getThreadId(), Math.max(0, THREADS.getThreadCpuTime(info.getThreadId())));
                names.put(info.getThreadId(), info.getThreadName());
            }
        }
    }

    /** Starts a window now; threads that start later count from zero. */
    static ThreadCpu start() {
        return new ThreadCpu(ThreadCpu::group);
    }

    /** The CPU seconds per group since {@link #start()}, plus "wall" (the window's length in seconds). */
    Map<String, Double> stop() {
        Map<String, Double> out = new LinkedHashMap<>();
        out.put("wall", (System.nanoTime() - startedNanos) / 1e9);
        for (ThreadInfo info : THREADS.getThreadInfo(THREADS.getAllThreadIds())) {
            if (info == null) {
                continue;
            }
            long now = THREADS.getThreadCpuTime(info.getThreadId());
            if (now < 0) {
                continue;
            }
            double used = (now - before.getOrDefault(info.getThreadId(), 0L)) / 1e9;
            out.merge(grouping.apply(info.getThreadName()), used, Double::sum);
        }
        return out;
    }

    /** The thread groups the benchmark reports. */
    static String group(String name) {
        if (name.contains("StreamThread") && name.contains("producer")) {
            return "stream producers";
        }
        if (name.contains("StreamThread")) {
            return "stream threads";
        }
        if (name.startsWith("kafka-producer-network-thread")) {
            return "raw producer sender";
        }
        if (name.contains("heartbeat") || name.contains("StateUpdater") || name.contains("admin")) {
            return "other";
        }
        if (name.contains("request-handler") || name.contains("network-thread") || name.contains("kafka-")
                || name.contains("Reaper") || name.contains("quorum") || name.contains("raft")
                || name.contains("Txn") || name.contains("log-") || name.contains("coordinator")) {
            return "broker";
        }
        if (name.equals("main")) {
            return "raw producer (main)";
        }
        return "other";
    }

    /** CPU microseconds of the whole JVM per record, for {@code records} records in the window. */
    static double microsPerRecord(Map<String, Double> cpu, long records) {
        double total = cpu.entrySet().stream().filter(e -> !e.getKey().equals("wall")).mapToDouble(Map.Entry::getValue)
                .sum();
        return total * 1e6 / Math.max(1, records);
    }

    /** One line: each group's share of one core over the window, e.g. "stream threads 1.42 cores". */
    static String describe(Map<String, Double> cpu) {
        double wall = cpu.get("wall");
        StringBuilder out = new StringBuilder();
        cpu.entrySet().stream().filter(e -> !e.getKey().equals("wall"))
                .sorted((a, b) -> Double.compare(b.getValue(), a.getValue())).forEach(e -> {
                    if (out.length() > 0) {
                        out.append(", ");
                    }
                    out.append(String.format(Locale.ROOT, "%s %.2f", e.getKey(), e.getValue() / wall));
                });
        if (out.length() == 0) {
            out.append("nothing");
        }
        return out.append(" (cores)").toString();
    }
}
