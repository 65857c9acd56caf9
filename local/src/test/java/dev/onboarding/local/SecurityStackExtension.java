package dev.onboarding.local;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Gives every security test class the same {@link SecurityStack}: started on first use, kept in the root
 * context's store and closed by JUnit when the whole test run ends, so the suite pays for one start-up only.
 * Use it with {@code @ExtendWith(SecurityStackExtension.class)} and a {@code SecurityStack} parameter (e.g. of a
 * {@code @BeforeAll} method).
 */
final class SecurityStackExtension implements ParameterResolver {
    private static final ExtensionContext.Namespace NAMESPACE =
            ExtensionContext.Namespace.create(SecurityStackExtension.class);

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == SecurityStack.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return stack(context);
    }

    /** The shared stack, started on first use. */
    static SecurityStack stack(ExtensionContext context) {
        // The root store closes AutoCloseable values once every test class has run.
        return context.getRoot().getStore(NAMESPACE).getOrComputeIfAbsent(SecurityStack.class,
                key -> SecurityStack.start(), SecurityStack.class);
    }
}
