package io.hyperai.execution.service;

import java.security.SecureRandom;
import java.util.HexFormat;

/** A workspace's Jupyter token: 256 random bits (generateSeed is for seeding generators, and may block). */
final class WorkspaceTokens {

    private static final SecureRandom RANDOM = new SecureRandom();

    private WorkspaceTokens() {
    }

    static String next() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }
}
