package dev.onboarding.local;

import java.io.PrintWriter;

/** Prints the steps of a long operation so the user sees it move. */
final class ProgressLine {
    private final PrintWriter out;
    private final long startNanos = System.nanoTime();

    ProgressLine(PrintWriter out) {
        this.out = out;
    }

    /** Announces a step with the time elapsed so far. */
    void step(String what) {
        out.printf("[%5.1fs] %s%n", (System.nanoTime() - startNanos) / 1e9, what);
        out.flush();
    }

    /** Seconds since this progress line started. */
    double elapsedSeconds() {
        return (System.nanoTime() - startNanos) / 1e9;
    }
}
