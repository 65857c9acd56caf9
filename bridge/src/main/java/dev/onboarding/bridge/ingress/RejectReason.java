package dev.onboarding.bridge.ingress;

/**
 * Reason codes the ingress writes into dead letters, besides the {@code RESPONSE_URL_*} codes of
 * {@link dev.onboarding.bridge.ResponseUrlPolicy} and the SNS notice codes of {@link SubscriptionNotice}.
 */
public enum RejectReason {
    /** The body is larger than 256 KB. */
    BODY_TOO_LARGE,
    /** The body is not valid UTF-8. */
    INVALID_UTF8,
    /** The body (or the SNS Message inside it) is not JSON within the parser's limits. */
    MALFORMED_JSON,
    /** JSON, but neither an SNS envelope nor a custom-resource request. */
    UNRECOGNIZED_FORMAT,
    /** An SNS envelope of a type other than Notification or the subscription notices. */
    UNSUPPORTED_SNS_TYPE,
    /** A required field is absent or blank. */
    MISSING_FIELD,
    /** A field has the wrong JSON type or characters. */
    INVALID_FIELD,
    /** A field is longer than allowed. */
    FIELD_TOO_LONG,
    /** RequestType is not Create, Update or Delete. */
    INVALID_REQUEST_TYPE,
    /** StackId is not a CloudFormation stack ARN with a consistent partition and region. */
    INVALID_STACK_ID,
    /** The stack's region is not the region of the queue the request arrived on. */
    REGION_MISMATCH,
    /** ResourceProperties carries no ExternalID. */
    MISSING_EXTERNAL_ID,
    /** The ExternalID breaks the STS rules (2-1224 characters of [\w+=,.@:/-]). */
    INVALID_EXTERNAL_ID,
    /** ExternalID and ExternalId are both present and differ. */
    AMBIGUOUS_EXTERNAL_ID,
    /** ResourceProperties carries no RoleName. */
    MISSING_ROLE_NAME,
    /** The RoleName breaks the IAM rules (1-64 characters of [\w+=,.@-]). */
    INVALID_ROLE_NAME,
    /** An Update or Delete without PhysicalResourceId. */
    MISSING_PHYSICAL_RESOURCE_ID,
    /** The provider's SQS dead-letter queue received it after too many failed deliveries. */
    SQS_MAX_RECEIVES,
    /** The bridge failed on it in a way validation did not foresee (a bug): parked rather than lost. */
    INTERNAL_ERROR
}
