package dev.onboarding.cli.security;

import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Tuple;

/**
 * ResponseURLs as an attacker writes them: assembled from schemes, user info, hosts, ports, paths, queries and
 * fragments that each try a known trick (IP literals in every notation, the metadata addresses, look-alike and
 * Unicode hosts, user info hiding the real host, odd ports, dot segments, other schemes), often with a few more
 * characters inserted, replaced or removed anywhere, plus plain random strings. The legitimate forms of the given
 * region (and the local origin) are in the mix too, so that a property also sees what must be allowed.
 */
final class HostileUrls {
    /** The loopback port of the local origin the fuzzed policies admit. */
    static final int LOCAL_PORT = 43_210;
    /** The local origin the fuzzed policies admit. */
    static final String LOCAL_ORIGIN = "http://127.0.0.1:" + LOCAL_PORT;

    private static final List<Character> HOSTILE_CHARS = List.of('@', '#', '?', '/', '\\', ':', '.', '%', ' ', '\t',
            '\n', '[', ']', '-', '_', '~', '&', '=', '+', '0', 'x', '\u3002', '\uff0e', '\uff41', '\u0130', '\u0131',
            '\u0430', '\u200b', '\u00ad', '\ufeff');

    private HostileUrls() {
    }

    /** URLs aimed at a stack in {@code region} (which may be unknown, empty or null). */
    static Arbitrary<String> urls(String region) {
        Arbitrary<String> composed = Combinators.combine(schemes(), separators(), userInfos(region), hosts(region),
                ports(), paths(region), queries(), fragments())
                .as((scheme, sep, user, host, port, path, query, fragment) ->
                        scheme + sep + user + host + port + path + query + fragment);
        Arbitrary<String> edited = Combinators.combine(composed, edits()).as(HostileUrls::apply);
        Arbitrary<String> random = Arbitraries.strings().ofMaxLength(120);
        Arbitrary<String> randomAscii = Arbitraries.strings().ascii().ofMaxLength(120).map(s -> "https://" + s);
        Arbitrary<String> overlong = composed.map(url -> url + "&pad=" + "a".repeat(4_100));
        return Arbitraries.frequencyOf(
                Tuple.of(8, legitimate(region)),
                Tuple.of(47, composed),
                Tuple.of(30, edited),
                Tuple.of(6, random),
                Tuple.of(6, randomAscii),
                Tuple.of(1, overlong),
                Tuple.of(2, Arbitraries.of("", " ", "https://", "http://", "//", "?", "#", "@")));
    }

    /** The URLs CloudFormation really hands out for {@code region}, and the local origin's equivalent. */
    private static Arbitrary<String> legitimate(String region) {
        String key = "/arn%3Aaws%3Acloudformation%3A" + region + "%3A123456789012%3Astack/s/1%7CResource%7Cid"
                + "?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Signature=0123456789abcdef";
        List<String> urls = new ArrayList<>();
        ResponseTargets.virtualHosts(region).forEach(host -> urls.add("https://" + host + key));
        ResponseTargets.pathStyleHosts(region)
                .forEach(host -> urls.add("https://" + host + "/" + bucket(region) + key));
        urls.add(LOCAL_ORIGIN + key);
        return Arbitraries.of(urls);
    }

    private static Arbitrary<String> schemes() {
        return Arbitraries.frequencyOf(
                Tuple.of(60, Arbitraries.just("https")),
                Tuple.of(25, Arbitraries.just("http")),
                Tuple.of(15, Arbitraries.of("HTTPS", "Https", "HTTP", "ftp", "file", "gopher", "ws", "wss", "jar:https",
                        "jar:http", "", "https ", " https", "htps", "https+unix", "javascript", "data")));
    }

    private static Arbitrary<String> separators() {
        return Arbitraries.frequencyOf(
                Tuple.of(85, Arbitraries.just("://")),
                Tuple.of(15, Arbitraries.of(":/", "://///", ":///", "//", ":", ":\\\\", ":\\/", "%3A//", ": //")));
    }

    private static Arbitrary<String> userInfos(String region) {
        return Arbitraries.frequencyOf(
                Tuple.of(80, Arbitraries.just("")),
                Tuple.of(20, Arbitraries.of("user@", "user:pass@", "@", ":@", "%40@", "a%40b@",
                        bucket(region) + ".s3.amazonaws.com@", "127.0.0.1:" + LOCAL_PORT + "@", "s3.amazonaws.com:443@",
                        "169.254.169.254@")));
    }

    private static Arbitrary<String> hosts(String region) {
        List<String> legitimate = new ArrayList<>(legitimateHosts(region));
        legitimate.add("127.0.0.1");
        List<String> hostile = List.of(
                // loopback and private addresses in every notation
                "127.0.0.1", "127.1", "127.0.1", "0x7f.1", "0x7f000001", "0x7F.0x0.0x0.0x1", "2130706433",
                "017700000001", "0177.0.0.1", "0", "0.0.0.0", "00000", "127.000.000.001", "127.0.0.1.", "[::1]",
                "[::ffff:127.0.0.1]", "[::ffff:7f00:1]", "[0:0:0:0:0:0:0:1]", "[::]", "[::1%25eth0]", "[fe80::1%25lo]",
                "10.0.0.1", "192.168.0.1", "172.16.0.1", "localhost", "LOCALHOST", "localhost.",
                "localhost.localdomain",
                // metadata services
                "169.254.169.254", "169.254.170.2", "[fd00:ec2::254]", "[::ffff:a9fe:a9fe]", "2852039166",
                "0xa9fea9fe", "0251.0376.0251.0376", "metadata.google.internal", "instance-data",
                // look-alikes of the response bucket
                bucket(region) + ".s3.amazonaws.com.evil", bucket(region) + ".s3.amazonaws.com.",
                "evil" + bucket(region) + ".s3.amazonaws.com", bucket(region) + "-evil.s3.amazonaws.com",
                "x." + bucket(region) + ".s3.amazonaws.com", bucket(region) + ".s3.amazonaws.co",
                bucket(region) + ".s3.amazonaws.com.127.0.0.1.nip.io", bucket(region) + ".evil.amazonaws.com",
                bucket(region) + ".s3.amazonaws.com%2eevil.com", bucket(region) + ".s3\u3002amazonaws\u3002com",
                bucket(region) + ".s3.amazon\u0430ws.com", bucket(region) + "\uff0es3.amazonaws.com",
                "cloudformation-custom-resource-response-euwest1.s3.eu-west-1.amazonaws.com",
                "cloudformation-custom-resource-response-useast1.s3.amazonaws.com",
                "cloudformation-custom-resource-response-cnnorth1.s3.cn-north-1.amazonaws.com",
                "s3.amazonaws.com.evil", "amazonaws.com", "s3.evil.com", "evil.com", "evil.com\\.amazonaws.com",
                "", " ", "%00", "a b", "under_score.s3.amazonaws.com",
                // longer than any DNS name: cheap to refuse, however they are built
                "1".repeat(3_000) + "g", "1.".repeat(1_000) + "x", bucket(region) + ".s3" + ".a".repeat(150)
                        + ".amazonaws.com");
        return Arbitraries.frequencyOf(
                Tuple.of(45, Arbitraries.of(legitimate)),
                Tuple.of(45, Arbitraries.of(hostile)),
                Tuple.of(10, Arbitraries.of(legitimate).map(HostileUrls::mixCase)));
    }

    private static Arbitrary<String> ports() {
        return Arbitraries.frequencyOf(
                Tuple.of(60, Arbitraries.just("")),
                Tuple.of(20, Arbitraries.just(":" + LOCAL_PORT)),
                Tuple.of(20, Arbitraries.of(":443", ":80", ":0", ":8080", ":65535", ":65536", ":-1", ":", ":443x",
                        ":00443", ":" + (LOCAL_PORT + 1), ": 443", ":4" + LOCAL_PORT)));
    }

    private static Arbitrary<String> paths(String region) {
        String bucket = bucket(region);
        return Arbitraries.frequencyOf(
                Tuple.of(35, Arbitraries.just("/" + bucket + "/arn%3Aaws%3Acloudformation%7CResource%7Cid")),
                Tuple.of(25, Arbitraries.of("/key", "/", "")),
                Tuple.of(40, Arbitraries.of("/" + bucket + "/../evil/x", "/" + bucket + "/%2e%2e/evil/x",
                        "/" + bucket + "/%2E./x", "/" + bucket + "/./x", "/" + bucket, "/" + bucket + "-evil/x",
                        "/other/" + bucket + "/x", "//evil.com/x", "/@evil.com/x", "/\\evil.com", "/%2F%2Fevil.com",
                        "/" + bucket + "%2F..%2Fevil", "/latest/meta-data/", "/" + bucket + "/x/..",
                        "/%" + bucket)));
    }

    private static Arbitrary<String> queries() {
        return Arbitraries.frequencyOf(
                Tuple.of(50, Arbitraries.just("?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Signature=0123456789abcdef")),
                Tuple.of(30, Arbitraries.just("")),
                Tuple.of(20, Arbitraries.of("?", "?a=b@evil.com", "?url=http://169.254.169.254/", "?#", "?%", "?%zz",
                        "?x=" + "\u00e9")));
    }

    private static Arbitrary<String> fragments() {
        return Arbitraries.frequencyOf(
                Tuple.of(90, Arbitraries.just("")),
                Tuple.of(10, Arbitraries.of("#", "#x", "#@evil.com", "#/../evil")));
    }

    /** One character edit: where (fraction of the length), what, and which kind. */
    private record Edit(double at, char c, int kind) {
    }

    private static Arbitrary<List<Edit>> edits() {
        Arbitrary<Character> chars = Arbitraries.frequencyOf(
                Tuple.of(80, Arbitraries.of(HOSTILE_CHARS)),
                Tuple.of(20, Arbitraries.chars()));
        return Combinators.combine(Arbitraries.doubles().between(0, 1), chars, Arbitraries.integers().between(0, 2))
                .as(Edit::new).list().ofMinSize(1).ofMaxSize(3);
    }

    private static String apply(String url, List<Edit> edits) {
        StringBuilder s = new StringBuilder(url);
        for (Edit e : edits) {
            int at = Math.min(s.length(), (int) (e.at() * s.length()));
            switch (e.kind()) {
                case 0 -> s.insert(at, e.c());
                case 1 -> {
                    if (at < s.length()) {
                        s.setCharAt(at, e.c());
                    }
                }
                default -> {
                    if (at < s.length()) {
                        s.deleteCharAt(at);
                    }
                }
            }
        }
        return s.toString();
    }

    private static String mixCase(String host) {
        StringBuilder s = new StringBuilder(host);
        for (int i = 0; i < s.length(); i += 3) {
            s.setCharAt(i, Character.toUpperCase(s.charAt(i)));
        }
        return s.toString();
    }

    /** The response bucket name of {@code region} (a made-up one for an unknown region). */
    static String bucket(String region) {
        return "cloudformation-custom-resource-response-" + (region == null ? "" : region.replace("-", ""));
    }

    /** The hosts (virtual-host and path style) that serve {@code region}'s response bucket, from AWS's endpoints. */
    static List<String> legitimateHosts(String region) {
        return ResponseTargets.virtualHosts(region).isEmpty() ? List.of(bucket(region) + ".s3.amazonaws.com")
                : concat(ResponseTargets.virtualHosts(region), ResponseTargets.pathStyleHosts(region));
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> out = new ArrayList<>(a);
        out.addAll(b);
        return out;
    }
}
