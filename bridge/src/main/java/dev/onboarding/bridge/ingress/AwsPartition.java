package dev.onboarding.bridge.ingress;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The AWS partitions and which regions belong to each (the region patterns of the AWS SDK's endpoint
 * metadata). A StackId's partition must be the partition of its region, and STS can only vouch for
 * roles in its own partition.
 */
public enum AwsPartition {
    /** Commercial regions. */
    AWS("aws", "^(us|eu|ap|sa|ca|me|af|il|mx)-[a-z0-9]+-\\d+$"),
    /** China. */
    AWS_CN("aws-cn", "^cn-[a-z0-9]+-\\d+$"),
    /** GovCloud (US). */
    AWS_US_GOV("aws-us-gov", "^us-gov-[a-z0-9]+-\\d+$"),
    /** ISO (US). */
    AWS_ISO("aws-iso", "^us-iso-[a-z0-9]+-\\d+$"),
    /** ISO-B (US). */
    AWS_ISO_B("aws-iso-b", "^us-isob-[a-z0-9]+-\\d+$"),
    /** ISO-E (Europe). */
    AWS_ISO_E("aws-iso-e", "^eu-isoe-[a-z0-9]+-\\d+$"),
    /** ISO-F (US). */
    AWS_ISO_F("aws-iso-f", "^us-isof-[a-z0-9]+-\\d+$"),
    /** European Sovereign Cloud. */
    AWS_EUSC("aws-eusc", "^eusc-(de)-[a-z0-9]+-\\d+$");

    private final String id;
    private final Pattern regions;

    AwsPartition(String id, String regionRegex) {
        this.id = id;
        this.regions = Pattern.compile(regionRegex);
    }

    /** The partition id as written in ARNs, e.g. {@code aws-cn}. */
    public String id() {
        return id;
    }

    /** Whether {@code region} belongs to this partition. */
    public boolean contains(String region) {
        return region != null && regions.matcher(region).matches();
    }

    /** The partition of a region, empty when the region has no known shape. */
    public static Optional<AwsPartition> ofRegion(String region) {
        for (AwsPartition partition : values()) {
            if (partition.contains(region)) {
                return Optional.of(partition);
            }
        }
        return Optional.empty();
    }

    /** The partition with ARN id {@code id}, empty if unknown. */
    public static Optional<AwsPartition> ofId(String id) {
        for (AwsPartition partition : values()) {
            if (partition.id.equals(id)) {
                return Optional.of(partition);
            }
        }
        return Optional.empty();
    }
}
