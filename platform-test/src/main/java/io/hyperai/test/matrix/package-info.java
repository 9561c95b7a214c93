/**
 * Tenant-isolation and malformed-input matrices, generated from each service's {@code /q/openapi}
 * so that new endpoints are covered without editing them. They need only the services' base URLs by
 * name ({@code gear}, {@code execution}, {@code warehouse}, {@code storage}, {@code billing}) and a
 * {@link io.hyperai.test.matrix.Credentials} (tokens of {@code OidcTestServer} through
 * {@link io.hyperai.test.matrix.OidcCredentials}, or of a real Keycloak):
 *
 * <pre>{@code
 * ResourceFixture alice = ResourceFixture.create(new Requests(urls), credentials, "alice");
 * MatrixReport isolation = TenantIsolationMatrix.run(urls, credentials, alice.owned(), "bob");
 * MatrixReport malformed = MalformedInputMatrix.run(urls, credentials, alice.owned());
 * System.out.println(isolation); // requests per service, checks, skipped operations, failures
 * assertThat(isolation.failures()).isEmpty();
 * }</pre>
 *
 * {@link io.hyperai.test.matrix.ResourceFixture#problems()} says what of alice's could not be made;
 * operations that needed it are then listed in {@link io.hyperai.test.matrix.MatrixReport#skipped()}.
 */
package io.hyperai.test.matrix;
