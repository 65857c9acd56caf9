/** The provider's HTTP API over the onboarding topics. */
package dev.onboarding.api;
