package dev.onboarding.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code onboarding local} says at once when the page's port is taken, before it starts anything. */
class LocalCommandTest {
    @TempDir
    Path dir;

    @Test
    void aTakenApiPortIsOneClearErrorBeforeAnythingStarts() throws Exception {
        try (ServerSocket taken = new ServerSocket()) {
            taken.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            int port = taken.getLocalPort();

            CommandRun run = CommandRun.of("local", "--api-port", Integer.toString(port), "--endpoints-file",
                    dir.resolve("endpoints.properties").toString());

            assertThat(run.exitCode()).isEqualTo(1);
            assertThat(run.err().strip()).isEqualTo("error: port " + port + " on 127.0.0.1 is in use: stop what uses "
                    + "it, or pass --api-port (0 picks a free port)");
            assertThat(run.out()).doesNotContain("starting");
            assertThat(dir.resolve("endpoints.properties")).doesNotExist();
        }
    }
}
