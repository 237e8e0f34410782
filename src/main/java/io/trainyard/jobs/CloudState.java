package io.trainyard.jobs;

import java.time.OffsetDateTime;

/**
 * The columns of a cloud job that a provider object can change (status as its wire name). The
 * providers decide the next state as a pure function; the ledger reads and writes it under a row lock.
 */
public record CloudState(String status, String providerStatus, String error, OffsetDateTime unknownSince,
                         Long logBytes, OffsetDateTime startedAt, OffsetDateTime finishedAt, Double costUsd,
                         String stage, Double progress, Long etaSeconds, String lastLog, String hardware) {
}
