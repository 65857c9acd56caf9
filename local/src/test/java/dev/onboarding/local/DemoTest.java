package dev.onboarding.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code onboarding demo} end to end, in-process, exactly as a user runs it: the whole local stack with the three
 * apps, and the narrated scenario. Needs the apps wired into {@link LocalRun} (they publish
 * {@code http.processor.url}); until then the run is reported as skipped, never as passed.
 */
class DemoTest {
    @TempDir
    Path dir;

    @Test
    void theDemoTellsTheWholeStoryAndExitsZero() {
        Path endpoints = dir.resolve("demo-endpoints.properties");

        CommandRun run = CommandRun.of("demo", "--endpoints-file", endpoints.toString(), "--step-timeout", "90");

        assertThat(run.exitCode()).as(run.out() + run.err()).isZero();
        assertThat(run.out())
                .contains("Step 1: tenant acme asks to connect an AWS account")
                .containsPattern("ok {4}the processor shows integration int-\\S+ PENDING")
                .contains("Step 2: the customer launches the stack in account 123456789012 (us-east-1)")
                .containsPattern("ok {4}CloudFormation sees the custom resource: SUCCESS.* \\(\\d+\\.\\d s\\)")
                .containsPattern("ok {4}the processor shows integration int-\\S+ CONNECTED")
                .containsPattern("ok {4}collection jobs flowing on onboarding.collection-jobs: [1-9]\\d* so far")
                .contains("Step 3: tenant acme tries to connect the same account again")
                .containsPattern("ok {4}CloudFormation sees the second stack's custom resource: FAILED \"[^\"]+\"")
                .containsPattern("ok {4}CloudFormation sees the rollback Delete: SUCCESS")
                .contains("Step 4: the customer deletes the stack")
                .containsPattern("ok {4}CloudFormation sees the Delete: SUCCESS")
                .containsPattern("ok {4}the processor shows integration int-\\S+ DISCONNECTED")
                .contains("ok    collection jobs stopped")
                .contains("Every step behaved as narrated (4 steps")
                .doesNotContainPattern("(?m)^ {2}FAIL {2}");
        assertThat(endpoints).as("the demo cleans up its endpoints file").doesNotExist();
    }

    @Test
    void theDemoNeverTakesOverAnotherRunsEndpointsFile() throws Exception {
        Path endpoints = Files.writeString(dir.resolve("local-endpoints.properties"), "kafka.bootstrap.servers=x\n");

        CommandRun run = CommandRun.of("demo", "--endpoints-file", endpoints.toString());

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err().strip()).contains("already exists: is `onboarding local` running here?")
                .doesNotContain("\n");
        assertThat(Files.readString(endpoints)).isEqualTo("kafka.bootstrap.servers=x\n");
    }
}
