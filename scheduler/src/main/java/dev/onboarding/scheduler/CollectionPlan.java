package dev.onboarding.scheduler;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * What one connected account is collected for: the catalog expanded over the regions (global types once, in the
 * home region; regional types in every region), grouped into interval classes. Every account has the same plan;
 * only the slot phases differ per account (see {@link JobSlots}).
 */
public final class CollectionPlan {
    private final List<IntervalClass> classes;
    private final Map<Long, IntervalClass> byInterval;
    private final int jobCount;
    private final long fingerprint;

    private CollectionPlan(List<IntervalClass> classes) {
        this.classes = List.copyOf(classes);
        Map<Long, IntervalClass> index = new TreeMap<>();
        int jobs = 0;
        for (IntervalClass c : classes) {
            index.put(c.intervalMillis(), c);
            jobs += c.targets().size();
        }
        this.byInterval = Collections.unmodifiableMap(index);
        this.jobCount = jobs;
        this.fingerprint = computeFingerprint(classes);
    }

    /**
     * One job target: a resource type in one region.
     *
     * @param service service key, e.g. {@code ec2}
     * @param resourceType type name, e.g. {@code AWS::EC2::Instance}
     * @param region the region to collect in
     */
    public record Target(String service, String resourceType, String region) {
    }

    /**
     * Every target sharing one refresh interval, in a stable order, spread over {@code slots} evenly spaced
     * slots per interval: target {@code k} belongs to slot {@code n} when {@code k % slots == n % slots}.
     *
     * @param interval the refresh interval
     * @param targets the targets, in catalog then region order
     * @param slots how many slots one interval is cut into (1 to {@code targets.size()})
     */
    public record IntervalClass(Duration interval, List<Target> targets, int slots) {
        /** Validates and copies. */
        public IntervalClass {
            targets = List.copyOf(targets);
            if (slots < 1 || slots > targets.size()) {
                throw new IllegalArgumentException("slots must be 1.." + targets.size() + ", got " + slots);
            }
        }

        /** The interval in milliseconds: the class's key in the due index. */
        public long intervalMillis() {
            return interval.toMillis();
        }
    }

    /**
     * Expands {@code catalog} over {@code regions}. An account's slots of one class are at least
     * {@code slotSpacing} apart (so the jobs of a class come in batches rather than one by one) but never fewer
     * than one per interval and never more than one per target.
     */
    public static CollectionPlan of(JobCatalog catalog, List<String> regions, String homeRegion,
            Duration slotSpacing) {
        if (regions.isEmpty()) {
            throw new IllegalArgumentException("at least one region is required");
        }
        if (slotSpacing.isNegative() || slotSpacing.isZero()) {
            throw new IllegalArgumentException("slot spacing must be positive");
        }
        List<String> distinctRegions = List.copyOf(new LinkedHashSet<>(regions));
        Map<Duration, List<Target>> grouped = new TreeMap<>();
        for (JobCatalog.ResourceType type : catalog.types()) {
            List<Target> targets = grouped.computeIfAbsent(type.interval(), i -> new ArrayList<>());
            if (type.global()) {
                targets.add(new Target(type.service(), type.resourceType(), homeRegion));
            } else {
                distinctRegions.forEach(r -> targets.add(new Target(type.service(), type.resourceType(), r)));
            }
        }
        List<IntervalClass> classes = new ArrayList<>();
        grouped.forEach((interval, targets) -> {
            long bySpacing = Math.max(1, interval.toMillis() / slotSpacing.toMillis());
            int slots = (int) Math.min(targets.size(), bySpacing);
            classes.add(new IntervalClass(interval, targets, slots));
        });
        return new CollectionPlan(classes);
    }

    /** The interval classes, shortest interval first. */
    public List<IntervalClass> classes() {
        return classes;
    }

    /** The class of one interval, if the plan has it. */
    public Optional<IntervalClass> classOf(long intervalMillis) {
        return Optional.ofNullable(byInterval.get(intervalMillis));
    }

    /** How many jobs one account has in total: the size of its initial burst. */
    public int jobCount() {
        return jobCount;
    }

    /** Jobs per second one account demands at steady state. */
    public double jobsPerSecondPerAccount() {
        double rate = 0;
        for (IntervalClass c : classes) {
            rate += c.targets().size() * 1000.0 / c.intervalMillis();
        }
        return rate;
    }

    /** A hash of everything that shapes the schedule; a change makes the scheduler reconcile its index. */
    public long fingerprint() {
        return fingerprint;
    }

    private static long computeFingerprint(List<IntervalClass> classes) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            for (IntervalClass c : classes) {
                sha.update((c.intervalMillis() + "/" + c.slots() + "\n").getBytes(StandardCharsets.UTF_8));
                for (Target t : c.targets()) {
                    sha.update((t.service() + "," + t.resourceType() + "," + t.region() + "\n")
                            .getBytes(StandardCharsets.UTF_8));
                }
            }
            byte[] digest = sha.digest();
            long value = 0;
            for (int i = 0; i < Long.BYTES; i++) {
                value = (value << 8) | (digest[i] & 0xff);
            }
            return value;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    }

    @Override
    public String toString() {
        StringBuilder out = new StringBuilder("CollectionPlan[").append(jobCount).append(" jobs per account:");
        for (IntervalClass c : classes) {
            out.append(' ').append(c.targets().size()).append(" every ").append(c.interval())
                    .append(" in ").append(c.slots()).append(" slots;");
        }
        return out.append(']').toString();
    }
}
