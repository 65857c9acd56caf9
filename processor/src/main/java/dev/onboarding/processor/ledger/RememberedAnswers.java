package dev.onboarding.processor.ledger;

import dev.onboarding.contract.CfnCallback;
import dev.onboarding.contract.CfnResponse;
import dev.onboarding.contract.RequestType;
import dev.onboarding.contract.ResponseStatus;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * What a redelivered callback needs to get the identical answer when its first callback matched no integration,
 * without keeping that answer: its status and reason code ({@link RememberedDecision}). Everything else an answer
 * holds comes from the callback it answers: the RequestId, ResponseURL, StackId and LogicalResourceId are copied
 * from it, the PhysicalResourceId is {@code rejected-<RequestId>} or the Delete's own, the deadline follows its SQS
 * sent time, and such an answer names no integration and carries no Data. A redelivery (SQS delivering the same
 * message again, SNS the same notification) carries all of these unchanged, so the answer rebuilt from it is the
 * first one, byte for byte. Pure: no Kafka, no clock.
 *
 * <p>Only an answer that its rebuild reproduces exactly is remembered this way ({@link #remember}); any other is
 * kept whole, so a future reason or field can never be answered differently the second time.
 */
public final class RememberedAnswers {
    private RememberedAnswers() {
    }

    /**
     * The decision to remember for {@code response}, the answer to {@code callback}, or empty when the answer
     * cannot be rebuilt from the callback and a reason code (it names an integration, carries Data, or has a reason
     * no code stands for).
     */
    public static Optional<RememberedDecision> remember(CfnCallback callback, CfnResponse response) {
        if (response.getDecidedAt() == null || response.getIntegrationId() != null) {
            return Optional.empty();
        }
        Optional<RememberedReason> reason = codeOf(response.getReason());
        if (reason.isEmpty()) {
            return Optional.empty();
        }
        RememberedDecision remembered = new RememberedDecision(response.getDecidedAt(),
                response.getStatus() == ResponseStatus.SUCCESS ? RememberedStatus.SUCCESS : RememberedStatus.FAILED,
                reason.get());
        return rebuild(callback, remembered).filter(response::equals).map(same -> remembered);
    }

    /**
     * The answer to a redelivered {@code callback} whose first copy was answered as {@code remembered} says; empty
     * if it cannot be the same request (each code is the answer to one request type: a callback of another type
     * only shares the RequestId) or this version cannot rebuild it (a reason code of a newer version).
     */
    public static Optional<CfnResponse> rebuild(CfnCallback callback, RememberedDecision remembered) {
        Instant decidedAt = remembered.getDecidedAt();
        if (remembered.getStatus() == RememberedStatus.SUCCESS) {
            // A Delete is always answered SUCCESS, with the PhysicalResourceId it carries.
            return remembered.getReason() != RememberedReason.NONE
                    || callback.getRequestType() != RequestType.DELETE ? Optional.empty()
                    : Optional.of(CallbackAnswers.success(callback, CallbackAnswers.deletedId(callback), Map.of(), null,
                            decidedAt));
        }
        if (typeOf(remembered.getReason()) != callback.getRequestType()) {
            return Optional.empty();
        }
        return textOf(remembered.getReason())
                .map(reason -> CallbackAnswers.failed(callback, reason, null, decidedAt));
    }

    private static Optional<RememberedReason> codeOf(String reason) {
        if (reason == null) {
            return Optional.of(RememberedReason.NONE);
        }
        for (RememberedReason code : RememberedReason.values()) {
            if (textOf(code).filter(reason::equals).isPresent()) {
                return Optional.of(code);
            }
        }
        return Optional.empty();
    }

    /** The request type a FAILED answer with this reason answers (null for none). */
    private static RequestType typeOf(RememberedReason code) {
        return switch (code) {
            case UNKNOWN_EXTERNAL_ID -> RequestType.CREATE;
            case EXTERNAL_ID_CHANGED, NOT_THE_CONNECTED_STACK -> RequestType.UPDATE;
            case NONE, OTHER -> null;
        };
    }

    private static Optional<String> textOf(RememberedReason code) {
        return Optional.ofNullable(switch (code) {
            case UNKNOWN_EXTERNAL_ID -> CallbackDecider.UNKNOWN_EXTERNAL_ID;
            case EXTERNAL_ID_CHANGED -> CallbackDecider.EXTERNAL_ID_CHANGED;
            case NOT_THE_CONNECTED_STACK -> CallbackDecider.NOT_THE_CONNECTED_STACK;
            case NONE, OTHER -> null;
        });
    }
}
