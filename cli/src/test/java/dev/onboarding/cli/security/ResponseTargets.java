package dev.onboarding.cli.security;

import java.net.MalformedURLException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.apache.http.HttpHost;
import org.apache.http.client.utils.URIUtils;

/**
 * The oracle of the fuzz tests, written apart from {@code ResponseUrlPolicy}: where would an HTTP client really
 * connect for a URL, and is that a place the provider may answer? It asks two parsers the policy does not use for
 * its decision (Apache HttpClient's target extraction, as the responder's client does it, and {@link URL}) and
 * compares their answers with a small table of the regions the generators use.
 */
final class ResponseTargets {
    /** DNS suffix and whether the global {@code s3.amazonaws.com} endpoint serves the region. */
    private record Partition(String suffix, boolean global) {
    }

    private static final Map<String, Partition> REGIONS = Map.of(
            "us-east-1", new Partition(".amazonaws.com", true),
            "eu-west-1", new Partition(".amazonaws.com", true),
            "cn-north-1", new Partition(".amazonaws.com.cn", false),
            "us-gov-west-1", new Partition(".amazonaws.com", false),
            "us-iso-east-1", new Partition(".c2s.ic.gov", false));

    private ResponseTargets() {
    }

    /** The virtual-host style hosts of {@code region}'s response bucket (none for a region not in the table). */
    static List<String> virtualHosts(String region) {
        Partition p = region == null ? null : REGIONS.get(region);
        if (p == null) {
            return List.of();
        }
        String bucket = HostileUrls.bucket(region);
        return p.global()
                ? List.of(bucket + ".s3" + p.suffix(), bucket + ".s3." + region + p.suffix(),
                        bucket + ".s3-" + region + p.suffix())
                : List.of(bucket + ".s3." + region + p.suffix(), bucket + ".s3-" + region + p.suffix());
    }

    /** The S3 endpoints of {@code region} where the bucket is the first path segment. */
    static List<String> pathStyleHosts(String region) {
        Partition p = region == null ? null : REGIONS.get(region);
        if (p == null) {
            return List.of();
        }
        return p.global() ? List.of("s3" + p.suffix(), "s3." + region + p.suffix(), "s3-" + region + p.suffix())
                : List.of("s3." + region + p.suffix(), "s3-" + region + p.suffix());
    }

    /**
     * Whether both clients would send a request for {@code url} only to {@code region}'s response bucket (https,
     * port 443) or to exactly the local origin, if one is admitted.
     */
    static boolean isLegitimate(String url, String region, Optional<String> localOrigin) {
        Optional<Target> apache = apache(url);
        Optional<Target> jdk = jdk(url);
        return apache.isPresent() && jdk.isPresent() && apache.get().sameAs(jdk.get())
                && (apache.get().isAws(region) || localOrigin.map(apache.get()::isOrigin).orElse(false));
    }

    /** Where a client connects and the path it asks for. */
    private record Target(String scheme, String host, int port, String rawPath) {
        boolean sameAs(Target other) {
            return scheme.equals(other.scheme) && host.equals(other.host) && port == other.port;
        }

        boolean isOrigin(String origin) {
            URI o = URI.create(origin);
            return scheme.equals(o.getScheme()) && host.equals(o.getHost()) && port == o.getPort();
        }

        boolean isAws(String region) {
            if (!scheme.equals("https") || !(port == -1 || port == 443)) {
                return false;
            }
            if (virtualHosts(region).contains(host)) {
                return true;
            }
            String bucketPath = "/" + HostileUrls.bucket(region) + "/";
            return pathStyleHosts(region).contains(host) && rawPath.startsWith(bucketPath)
                    && !hasDotSegment(rawPath);
        }
    }

    private static Optional<Target> apache(String url) {
        try {
            URI uri = new URI(url);
            HttpHost host = URIUtils.extractHost(uri);
            if (host == null) {
                return Optional.empty();
            }
            return Optional.of(new Target(host.getSchemeName().toLowerCase(Locale.ROOT),
                    host.getHostName().toLowerCase(Locale.ROOT), host.getPort(),
                    uri.getRawPath() == null ? "" : uri.getRawPath()));
        } catch (URISyntaxException | RuntimeException e) {
            return Optional.empty();
        }
    }

    @SuppressWarnings("deprecation") // URL(String) is the point: an independent, older parser
    private static Optional<Target> jdk(String url) {
        try {
            URL parsed = new URL(url);
            return Optional.of(new Target(parsed.getProtocol().toLowerCase(Locale.ROOT),
                    parsed.getHost().toLowerCase(Locale.ROOT), parsed.getPort(), parsed.getPath()));
        } catch (MalformedURLException | RuntimeException e) {
            return Optional.empty();
        }
    }

    private static boolean hasDotSegment(String rawPath) {
        for (String segment : rawPath.split("/", -1)) {
            String decoded = segment.toLowerCase(Locale.ROOT).replace("%2e", ".");
            if (decoded.equals(".") || decoded.equals("..")) {
                return true;
            }
        }
        return false;
    }
}
