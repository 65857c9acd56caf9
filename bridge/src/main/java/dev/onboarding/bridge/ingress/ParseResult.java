package dev.onboarding.bridge.ingress;

/** What {@link CallbackParser} made of one message: a callback, a rejection, or an SNS subscription notice. */
public sealed interface ParseResult permits ParsedCallback, Rejection, SubscriptionNotice {
}
