package dev.onboarding.api.auth;

/** A bearer token that does not authenticate anyone; the API answers 401. */
public final class InvalidToken extends Exception {
    private final String reason;

    /**
     * @param reason a short code for metrics ({@code missing}, {@code expired}, ...)
     * @param message what is wrong, safe to show the caller (never the token)
     */
    public InvalidToken(String reason, String message) {
        super(message, null, false, false);
        this.reason = reason;
    }

    /** The short code. */
    public String reason() {
        return reason;
    }
}
