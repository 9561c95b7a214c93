package io.hyperai.test.matrix;

import io.hyperai.test.OpenApiOperations.Operation;

/** Who may call an operation: a service for {@code /internal}, an admin for admin operations, else the owner. */
record Principals(Credentials credentials, String owner) {

    String tokenFor(Operation operation) {
        if (operation.isInternal()) {
            return credentials.service();
        }
        return operation.isAdmin() ? credentials.admin() : credentials.user(owner);
    }
}
