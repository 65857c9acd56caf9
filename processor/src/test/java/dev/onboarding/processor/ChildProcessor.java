package dev.onboarding.processor;

import dev.onboarding.config.Settings;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The processor alone in a JVM of its own, for tests that kill it for real ({@code destroyForcibly}): the one
 * argument is its properties file. Operators run it as {@code onboarding processor}, which this module cannot see.
 */
final class ChildProcessor {
    private ChildProcessor() {
    }

    public static void main(String[] args) throws InterruptedException {
        ProcessorApp app = ProcessorApp.from(Settings.load(Optional.of(Path.of(args[0]))));
        app.start();
        Thread.currentThread().join(); // until killed
    }
}
