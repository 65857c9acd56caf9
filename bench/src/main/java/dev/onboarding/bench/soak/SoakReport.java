package dev.onboarding.bench.soak;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/** What a soak run measured and which of its checks failed, printable as the benchmark's output. */
final class SoakReport {

    /**
     * One check.
     *
     * @param name     what it checks
     * @param checked  how many things it looked at
     * @param problems what was wrong (at most a few examples are kept), empty when it passed
     * @param failures how many things were wrong
     */
    record Check(String name, long checked, long failures, List<String> problems) {
        boolean passed() {
            return failures == 0;
        }
    }

    private final List<String> figures = new ArrayList<>();
    private final List<Check> checks = new ArrayList<>();
    private final List<String> notes = new ArrayList<>();
    private final String title;

    SoakReport() {
        this("soak");
    }

    /** A report whose printout names {@code title} (e.g. {@code flood}). */
    SoakReport(String title) {
        this.title = title;
    }

    void figure(String format, Object... args) {
        figures.add(String.format(Locale.ROOT, format, args));
    }

    void note(String text) {
        notes.add(text);
    }

    void check(String name, long checked, List<String> problems) {
        checks.add(new Check(name, checked, problems.size(),
                List.copyOf(problems.subList(0, Math.min(5, problems.size())))));
    }

    /** Every check, in the order made. */
    List<Check> checks() {
        return Collections.unmodifiableList(checks);
    }

    /** The checks that failed. */
    List<Check> failed() {
        return checks.stream().filter(c -> !c.passed()).toList();
    }

    /** Whether every check passed. */
    boolean passed() {
        return failed().isEmpty();
    }

    /** Prints the figures, then every check with PASS or FAIL and examples of what failed. */
    void print(PrintStream out) {
        out.println();
        out.println("== " + title + " figures");
        figures.forEach(f -> out.println("  " + f));
        out.println("== checks");
        for (Check c : checks) {
            out.printf(Locale.ROOT, "  %-4s %-62s %,9d checked, %,d wrong%n", c.passed() ? "PASS" : "FAIL",
                    c.name(), c.checked(), c.failures());
            c.problems().forEach(p -> out.println("         e.g. " + p));
        }
        notes.forEach(n -> out.println("  note: " + n));
        out.println(passed() ? "== " + title + " PASSED"
                : "== " + title + " FAILED: " + failed().size() + " check(s)");
    }

    @Override
    public String toString() {
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        print(new PrintStream(bytes, true, java.nio.charset.StandardCharsets.UTF_8));
        return bytes.toString(java.nio.charset.StandardCharsets.UTF_8);
    }
}
