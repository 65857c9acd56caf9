/**
 * Real services for tests and the local run, all on 127.0.0.1 with random free ports: a KRaft Kafka broker
 * ({@link dev.onboarding.embedded.EmbeddedKafka}), ElasticMQ per simulated region
 * ({@link dev.onboarding.embedded.EmbeddedSqs}), Apicurio Registry as a child process
 * ({@link dev.onboarding.embedded.ApicurioRegistry}), and HTTP stand-ins for STS AssumeRole
 * ({@link dev.onboarding.embedded.StsStandIn}) and S3 pre-signed response URLs
 * ({@link dev.onboarding.embedded.S3ResponseStandIn}). Every class is {@link java.lang.AutoCloseable}.
 */
package dev.onboarding.embedded;
