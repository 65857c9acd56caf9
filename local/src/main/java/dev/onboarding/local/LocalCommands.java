package dev.onboarding.local;

import dev.onboarding.cli.CommandExtension;
import java.util.List;

/**
 * The sandbox's commands, added to {@code onboarding} wherever this module is on the class path (the local jar,
 * {@code ./onboarding}): {@code local}, {@code demo}, {@code simulate} and {@code token}. The production jar has none of them.
 */
public final class LocalCommands implements CommandExtension {
    @Override
    public List<Object> commands() {
        return List.of(new LocalCommand(), new DemoCommand(), new SimulateCommand(), new TokenCommand());
    }
}
