package dev.onboarding.bridge.egress;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.onboarding.contract.CfnResponse;
import dev.onboarding.contract.ResponseStatus;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The one place that knows the custom-resource response body: its field names, the 4096-byte limit and
 * what gives way to meet it. Ids are never cut (ingress bounded them; a cut id would point CloudFormation
 * at the wrong resource). {@code Reason} is cut with a visible marker; {@code Data} loses whole entries,
 * largest first, because a missing attribute fails {@code Fn::GetAtt} loudly while a cut value would
 * not. On FAILED, {@code Data} gives way first (CloudFormation ignores it); on SUCCESS, {@code Reason}.
 */
public final class CloudFormationResponseBody {
    /** Largest body CloudFormation accepts, in bytes. */
    public static final int MAX_BYTES = 4096;
    /** Appended to a cut {@code Reason}. */
    public static final String CUT_MARKER = "...";
    /** Sent when a FAILED response carries no reason (CloudFormation requires one). */
    public static final String DEFAULT_FAILED_REASON = "Request failed (no reason given)";

    private static final ObjectMapper JSON = new ObjectMapper();

    private CloudFormationResponseBody() {
    }

    /**
     * An encoded body.
     *
     * @param bytes the UTF-8 JSON, at most {@link #MAX_BYTES}
     * @param cut whether {@code Reason} or {@code Data} had to give way
     */
    public record Encoded(byte[] bytes, boolean cut) {
    }

    /** A response that cannot be turned into a valid body (an upstream bug, not a delivery problem). */
    public static final class InvalidResponseException extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;

        InvalidResponseException(String message) {
            super(message);
        }
    }

    /**
     * Encodes {@code response}, cutting {@code Reason} and {@code Data} as needed to fit.
     *
     * @throws InvalidResponseException when PhysicalResourceId is blank or the ids alone exceed the limit
     */
    public static Encoded encode(CfnResponse response) {
        if (response.getPhysicalResourceId() == null || response.getPhysicalResourceId().isBlank()) {
            throw new InvalidResponseException("PhysicalResourceId is blank");
        }
        boolean failed = response.getStatus() != ResponseStatus.SUCCESS;
        String reason = response.getReason();
        if (failed && (reason == null || reason.isBlank())) {
            reason = DEFAULT_FAILED_REASON;
        }
        Map<String, String> data = response.getData() == null ? Map.of() : response.getData();

        byte[] whole = write(response, reason, data);
        if (whole.length <= MAX_BYTES) {
            return new Encoded(whole, false);
        }
        byte[] bare = write(response, failed ? "" : null, Map.of());
        if (bare.length > MAX_BYTES) {
            throw new InvalidResponseException("the ids alone take " + bare.length + " bytes, over the "
                    + MAX_BYTES + "-byte limit");
        }
        byte[] fitted;
        if (failed) {
            byte[] withLessData = write(response, reason, dropDataToFit(response, reason, data));
            fitted = withLessData.length <= MAX_BYTES ? withLessData
                    : write(response, cutReasonToFit(response, reason, Map.of(), true), Map.of());
        } else {
            String keptReason = reason == null ? null : cutReasonToFit(response, reason, data, false);
            // A reason that fits next to all of Data is kept; otherwise it goes and Data gives way.
            fitted = keptReason != null ? write(response, keptReason, data)
                    : write(response, null, dropDataToFit(response, null, data));
        }
        return new Encoded(fitted, true);
    }

    /** The Data entries that fit with {@code reason}, dropping the largest first. */
    private static Map<String, String> dropDataToFit(CfnResponse response, String reason, Map<String, String> data) {
        List<Map.Entry<String, String>> bySize = new ArrayList<>(data.entrySet());
        bySize.sort(Comparator.comparingInt((Map.Entry<String, String> e) -> e.getKey().length()
                + e.getValue().length()).reversed());
        Map<String, String> kept = new LinkedHashMap<>(data);
        for (Map.Entry<String, String> largest : bySize) {
            if (write(response, reason, kept).length <= MAX_BYTES) {
                break;
            }
            kept.remove(largest.getKey());
        }
        return kept;
    }

    /**
     * The longest prefix of {@code reason} (plus the marker) that fits next to {@code data}; when none
     * does, an empty reason if one is required, else null (field left out).
     */
    private static String cutReasonToFit(CfnResponse response, String reason, Map<String, String> data,
            boolean required) {
        int low = 0;
        int high = reason.length();
        int best = -1;
        while (low <= high) {
            int mid = (low + high) >>> 1;
            if (write(response, cut(reason, mid), data).length <= MAX_BYTES) {
                best = mid;
                low = mid + 1;
            } else {
                high = mid - 1;
            }
        }
        if (best >= 0) {
            return cut(reason, best);
        }
        return required ? "" : null;
    }

    private static String cut(String reason, int chars) {
        int end = chars;
        // Never split a surrogate pair: half a character is not valid UTF-8.
        if (end > 0 && end < reason.length() && Character.isHighSurrogate(reason.charAt(end - 1))) {
            end--;
        }
        return reason.substring(0, end) + CUT_MARKER;
    }

    private static byte[] write(CfnResponse response, String reason, Map<String, String> data) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("Status", response.getStatus() == ResponseStatus.SUCCESS ? "SUCCESS" : "FAILED");
        if (reason != null) {
            body.put("Reason", reason);
        }
        body.put("PhysicalResourceId", response.getPhysicalResourceId());
        body.put("StackId", response.getStackId());
        body.put("RequestId", response.getRequestId());
        body.put("LogicalResourceId", response.getLogicalResourceId());
        if (response.getNoEcho()) {
            body.put("NoEcho", true);
        }
        if (!data.isEmpty()) {
            body.put("Data", data);
        }
        try {
            return JSON.writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write a response body", e);
        }
    }
}
