package dev.onboarding.schemas.serde;

/** The registry was unreachable, refused a request, or answered something unexpected. */
public final class SchemaRegistryException extends RuntimeException {
    private final int httpStatus;

    /** An error with the registry's HTTP status (or -1 when it did not answer). */
    public SchemaRegistryException(String message, int httpStatus, Throwable cause) {
        super(message, cause);
        this.httpStatus = httpStatus;
    }

    /** The HTTP status the registry answered, or -1 when it could not be reached. */
    public int httpStatus() {
        return httpStatus;
    }
}
