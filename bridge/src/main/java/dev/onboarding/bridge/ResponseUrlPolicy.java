package dev.onboarding.bridge;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Decides whether a CloudFormation ResponseURL may be contacted. The URL is attacker-controlled (any
 * account can publish to the provider's topic), so this is an allowlist, not a blocklist: https on
 * the default port, no user info, and a host that is the CloudFormation response bucket of the
 * stack's own region on that region's S3 endpoints (virtual-host or path style, every AWS
 * partition). The local run may admit exactly one extra loopback origin for its S3 stand-in.
 * Ingress and egress both ask this one class.
 */
public final class ResponseUrlPolicy {
    /** Longest ResponseURL accepted (real ones are well under 2 KB). */
    public static final int MAX_LENGTH = 4096;
    /** Longest host a DNS name allows. */
    static final int MAX_HOST_LENGTH = 253;

    private static final String BUCKET_PREFIX = "cloudformation-custom-resource-response-";
    /**
     * Region shape to DNS suffix of that region's partition (the AWS SDK's endpoint metadata). Bucket
     * names are only unique within a partition, so the suffix must be the stack's own partition's: the
     * response bucket name of an ISO region on the commercial S3 endpoints could belong to anyone.
     */
    private static final List<Map.Entry<Pattern, String>> PARTITION_SUFFIXES = List.of(
            Map.entry(Pattern.compile("(us|eu|ap|sa|ca|me|af|il|mx)-[a-z0-9]+-\\d{1,2}"), ".amazonaws.com"),
            Map.entry(Pattern.compile("cn-[a-z0-9]+-\\d{1,2}"), ".amazonaws.com.cn"),
            Map.entry(Pattern.compile("us-gov-[a-z0-9]+-\\d{1,2}"), ".amazonaws.com"),
            Map.entry(Pattern.compile("us-iso-[a-z0-9]+-\\d{1,2}"), ".c2s.ic.gov"),
            Map.entry(Pattern.compile("us-isob-[a-z0-9]+-\\d{1,2}"), ".sc2s.sgov.gov"),
            Map.entry(Pattern.compile("eu-isoe-[a-z0-9]+-\\d{1,2}"), ".cloud.adc-e.uk"),
            Map.entry(Pattern.compile("us-isof-[a-z0-9]+-\\d{1,2}"), ".csp.hci.ic.gov"),
            Map.entry(Pattern.compile("eusc-de-[a-z0-9]+-\\d{1,2}"), ".amazonaws.eu"));
    /** Regions that have the global {@code s3.amazonaws.com} endpoint (the commercial partition). */
    private static final Pattern COMMERCIAL = PARTITION_SUFFIXES.get(0).getKey();
    private static final Pattern IPV4ISH = Pattern.compile("[0-9.]+|0x[0-9a-f.x]+|[0-9a-fx.]*\\d[0-9a-fx.]*\\.?");

    private final Optional<URI> localOrigin;

    private ResponseUrlPolicy(Optional<URI> localOrigin) {
        this.localOrigin = localOrigin;
    }

    /** The production policy: AWS response buckets only. */
    public static ResponseUrlPolicy awsOnly() {
        return new ResponseUrlPolicy(Optional.empty());
    }

    /**
     * The policy plus one local origin ({@code http://127.0.0.1:PORT}) for a stand-in. Only loopback
     * hosts are accepted, so this setting cannot open the bridge to the network.
     */
    public static ResponseUrlPolicy withLocalOrigin(String origin) {
        URI uri;
        try {
            uri = new URI(origin);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("local response origin is not a URL: " + e.getMessage());
        }
        String host = uri.getHost() == null ? "" : uri.getHost().toLowerCase(Locale.ROOT);
        boolean loopback = host.equals("localhost") || isLoopbackIpv4Literal(host) || host.equals("[::1]")
                || host.equals("::1");
        if (!loopback || uri.getPort() < 1 || uri.getUserInfo() != null
                || !(("http".equals(uri.getScheme())) || "https".equals(uri.getScheme()))
                || !(uri.getRawPath() == null || uri.getRawPath().isEmpty() || uri.getRawPath().equals("/"))) {
            throw new IllegalArgumentException("local response origin must be http(s)://<loopback host>:<port>, got "
                    + origin);
        }
        return new ResponseUrlPolicy(Optional.of(uri));
    }

    /**
     * Whether {@code host} is a dotted-quad IPv4 literal in 127.0.0.0/8. A literal, not a name: a host such as
     * {@code 127.attacker.example} starts like one and resolves anywhere.
     */
    static boolean isLoopbackIpv4Literal(String host) {
        String[] octets = host.split("\\.", -1);
        if (octets.length != 4 || !octets[0].equals("127")) {
            return false;
        }
        for (String octet : octets) {
            if (octet.isEmpty() || octet.length() > 3 || !octet.chars().allMatch(c -> c >= '0' && c <= '9')
                    || Integer.parseInt(octet) > 255) {
                return false;
            }
        }
        return true;
    }

    /** The policy with an optional local origin. */
    public static ResponseUrlPolicy of(Optional<String> localOrigin) {
        return localOrigin.map(ResponseUrlPolicy::withLocalOrigin).orElseGet(ResponseUrlPolicy::awsOnly);
    }

    /** The verdict on one URL. {@code reasonCode} is null when allowed. */
    public record Verdict(boolean allowed, String reasonCode, String reason) {
        static Verdict allow() {
            return new Verdict(true, null, null);
        }

        static Verdict deny(String code, String reason) {
            return new Verdict(false, code, reason);
        }
    }

    /** Checks {@code url} for a stack in {@code stackRegion}. Reasons never repeat the URL (it is a secret). */
    public Verdict check(String url, String stackRegion) {
        if (url == null || url.isBlank()) {
            return Verdict.deny("RESPONSE_URL_MISSING", "ResponseURL is missing");
        }
        if (url.length() > MAX_LENGTH) {
            return Verdict.deny("RESPONSE_URL_TOO_LONG", "ResponseURL is longer than " + MAX_LENGTH + " characters");
        }
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            return Verdict.deny("RESPONSE_URL_INVALID", "ResponseURL is not a valid URL");
        }
        if (!uri.isAbsolute() || uri.isOpaque() || uri.getRawAuthority() == null) {
            return Verdict.deny("RESPONSE_URL_INVALID", "ResponseURL is not an absolute hierarchical URL");
        }
        if (uri.getRawUserInfo() != null || uri.getRawAuthority().contains("@")) {
            return Verdict.deny("RESPONSE_URL_USER_INFO", "ResponseURL carries user info");
        }
        if (uri.getRawFragment() != null) {
            return Verdict.deny("RESPONSE_URL_INVALID", "ResponseURL carries a fragment");
        }
        if (hasDotSegment(uri.getRawPath())) {
            // A client or proxy that normalises "/<bucket>/../other/" would leave the response bucket.
            return Verdict.deny("RESPONSE_URL_PATH", "ResponseURL path has dot segments");
        }
        if (localOrigin.isPresent() && sameOrigin(uri, localOrigin.get())) {
            return Verdict.allow();
        }
        if (!"https".equalsIgnoreCase(uri.getScheme())) {
            return Verdict.deny("RESPONSE_URL_NOT_HTTPS", "ResponseURL must use https");
        }
        String host = uri.getHost();
        if (host == null) {
            return Verdict.deny("RESPONSE_URL_INVALID", "ResponseURL has no host");
        }
        host = host.toLowerCase(Locale.ROOT);
        if (host.length() > MAX_HOST_LENGTH) {
            // Before any pattern: IPV4ISH backtracks quadratically, ~100 ms of CPU on a 4 KB host of digits.
            return Verdict.deny("RESPONSE_URL_HOST", "ResponseURL host is longer than a DNS name can be");
        }
        if (host.startsWith("[") || host.contains(":") || IPV4ISH.matcher(host).matches()) {
            return Verdict.deny("RESPONSE_URL_IP_LITERAL", "ResponseURL host is an IP address");
        }
        if (uri.getPort() != -1) {
            return Verdict.deny("RESPONSE_URL_PORT", "ResponseURL must use the default https port");
        }
        Optional<String> suffix = dnsSuffix(stackRegion);
        if (suffix.isEmpty()) {
            return Verdict.deny("RESPONSE_URL_REGION", "the stack's region is unknown, so no response host is valid");
        }
        return isResponseBucket(host, uri.getRawPath(), stackRegion, suffix.get()) ? Verdict.allow()
                : Verdict.deny("RESPONSE_URL_HOST", "ResponseURL host is not the CloudFormation response bucket of "
                        + stackRegion);
    }

    /** Host part only, for logs: never the path or query (they carry the signature). */
    public static String hostForLogs(String url) {
        try {
            URI uri = new URI(url);
            return uri.getHost() == null ? "?" : uri.getHost();
        } catch (URISyntaxException | RuntimeException e) {
            return "?";
        }
    }

    private static Optional<String> dnsSuffix(String region) {
        if (region == null) {
            return Optional.empty();
        }
        return PARTITION_SUFFIXES.stream().filter(e -> e.getKey().matcher(region).matches()).map(Map.Entry::getValue)
                .findFirst();
    }

    private static boolean isResponseBucket(String host, String rawPath, String region, String suffix) {
        if (!host.endsWith(suffix)) {
            return false;
        }
        String bucket = BUCKET_PREFIX + region.replace("-", "");
        String endpoint = host.substring(0, host.length() - suffix.length());
        // Virtual-host style: <bucket>.<s3 endpoint>
        if (endpoint.startsWith(bucket + ".")) {
            return isS3Endpoint(endpoint.substring(bucket.length() + 1), region);
        }
        // Path style: <s3 endpoint>/<bucket>/...
        return isS3Endpoint(endpoint, region) && rawPath != null && rawPath.startsWith("/" + bucket + "/");
    }

    private static boolean isS3Endpoint(String endpoint, String region) {
        boolean global = endpoint.equals("s3") && COMMERCIAL.matcher(region).matches();
        return global || endpoint.equals("s3." + region) || endpoint.equals("s3-" + region);
    }

    private static boolean hasDotSegment(String rawPath) {
        if (rawPath == null) {
            return false;
        }
        for (String segment : rawPath.split("/", -1)) {
            String decoded = segment.toLowerCase(Locale.ROOT).replace("%2e", ".");
            if (decoded.equals(".") || decoded.equals("..")) {
                return true;
            }
        }
        return false;
    }

    private static boolean sameOrigin(URI uri, URI origin) {
        return origin.getScheme().equalsIgnoreCase(uri.getScheme())
                && origin.getHost().equalsIgnoreCase(String.valueOf(uri.getHost()))
                && origin.getPort() == uri.getPort();
    }
}
