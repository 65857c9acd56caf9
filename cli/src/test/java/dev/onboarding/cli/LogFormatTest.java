package dev.onboarding.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.MDC;

/** The shipped logback.xml: dated text lines by default, one JSON object per line on request, MDC in both. */
class LogFormatTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void jsonFormatIsOneObjectPerLineWithTheMdcFields() throws Exception {
        List<String> lines = logOneLine("json");

        assertThat(lines).hasSize(1);
        JsonNode line = JSON.readTree(lines.get(0));
        assertThat(line.get("level").asText()).isEqualTo("INFO");
        assertThat(line.get("loggerName").asText()).isEqualTo("dev.onboarding.test");
        assertThat(line.get("formattedMessage").asText()).isEqualTo("decided FAILED for integration int-7");
        assertThat(line.get("timestamp").asLong()).isPositive();
        assertThat(line.get("mdc").get("requestId").asText()).isEqualTo("req-42");
        assertThat(line.get("mdc").get("integrationId").asText()).isEqualTo("int-7");
    }

    @Test
    void textFormatCarriesTheDateAndTheMdcFields() throws Exception {
        List<String> lines = logOneLine("text");

        assertThat(lines).hasSize(1);
        assertThat(lines.get(0))
                .matches("^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}(Z|[+-]\\d{2}:\\d{2}) INFO .*")
                .contains("requestId=req-42", "integrationId=int-7")
                .endsWith("decided FAILED for integration int-7");
    }

    private static List<String> logOneLine(String format) throws Exception {
        LoggerContext context = new LoggerContext();
        context.setMDCAdapter(MDC.getMDCAdapter());
        context.putProperty("ONBOARDING_LOG_FORMAT", format);
        JoranConfigurator configurator = new JoranConfigurator();
        configurator.setContext(context);
        configurator.doConfigure(LogFormatTest.class.getResource("/logback.xml"));
        PrintStream err = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            Logger log = context.getLogger("dev.onboarding.test");
            MDC.put("requestId", "req-42");
            MDC.put("integrationId", "int-7");
            log.info("decided {} for integration {}", "FAILED", "int-7");
        } finally {
            MDC.clear();
            System.setErr(err);
            context.stop();
        }
        return captured.toString(StandardCharsets.UTF_8).lines().toList();
    }
}
