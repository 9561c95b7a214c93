package io.hyperai.storage.mapping;

/**
 * A user's standing as services and admins see it. {@code blocked}: usage is over the quota, so the
 * user may not create gears or executions nor upload; {@code reason} says why (null when allowed).
 */
public record AccountView(String userId, long quotaBytes, long usedBytes, long reservedBytes, boolean blocked,
        String reason) {
}
