package dev.onboarding.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

class RequestLogContextTest {
    @Test
    void aLineLoggedInsideCarriesItsFieldsAndNothingStaysBehind() {
        String redacted = "onb-…wxyz";
        Logger logger = (Logger) LoggerFactory.getLogger("dev.onboarding.runtime.test");
        ListAppender<ILoggingEvent> lines = new ListAppender<>();
        lines.start();
        logger.addAppender(lines);
        MDC.put("other", "kept");
        try (RequestLogContext ignored = RequestLogContext.of("req-1", null, redacted).integration("int-9")) {
            logger.warn("about the request");
        } finally {
            logger.detachAppender(lines);
        }

        assertThat(lines.list).singleElement().satisfies(line -> {
            assertThat(line.getMDCPropertyMap()).containsEntry("requestId", "req-1")
                    .containsEntry("integrationId", "int-9")
                    .containsEntry("externalId", redacted);
        });
        assertThat(MDC.getCopyOfContextMap()).containsOnlyKeys("other");
        MDC.clear();
    }

    @Test
    void unknownFieldsAreLeftOut() {
        try (RequestLogContext ignored = RequestLogContext.of("req-2", null, null)) {
            assertThat(MDC.getCopyOfContextMap()).containsOnlyKeys("requestId");
        }
        assertThat(MDC.getCopyOfContextMap()).isNullOrEmpty();
    }
}
