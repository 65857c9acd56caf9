package dev.onboarding.config;

/** A missing or invalid configuration value; the message names the key. */
public final class SettingsException extends RuntimeException {
    private final String key;

    /** A problem with one key. */
    public SettingsException(String key, String problem) {
        super("config " + key + " " + problem);
        this.key = key;
    }

    /** A problem not tied to one key (e.g. an unreadable file). */
    public SettingsException(String message) {
        super(message);
        this.key = null;
    }

    /** The offending key, or null. */
    public String key() {
        return key;
    }
}
