# One image for every app: the command (bridge, processor, scheduler, all, topics create, ...) is the
# container's argument. Configuration comes from ONBOARDING_* environment variables (see README).
FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY . .
RUN mvn -B -q -pl cli -am -Dmaven.test.skip=true package

FROM eclipse-temurin:17-jre
RUN useradd --system --uid 10001 onboarding && mkdir -p /var/lib/onboarding && chown onboarding /var/lib/onboarding
COPY --from=build /src/cli/target/onboarding.jar /app/onboarding.jar
USER onboarding
WORKDIR /var/lib/onboarding
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=75", "-jar", "/app/onboarding.jar"]
CMD ["--help"]
