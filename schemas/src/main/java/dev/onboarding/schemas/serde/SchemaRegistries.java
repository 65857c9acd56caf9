package dev.onboarding.schemas.serde;

/** Opens the registry a {@link RegistrySettings} names. */
public final class SchemaRegistries {
    private SchemaRegistries() {
    }

    /** {@code mock://scope} gives the shared in-process registry of that scope; anything else the REST client. */
    public static SchemaRegistry connect(RegistrySettings settings) {
        if (settings.url().startsWith("mock://")) {
            return InMemorySchemaRegistry.scope(settings.url().substring("mock://".length()));
        }
        return new RestSchemaRegistry(settings);
    }
}
