/**
 * The internal APIs ({@code /internal/**}, role {@code service}) of the five services: one interface per service,
 * with the records it sends and answers. The service's resource implements the interface; callers' REST clients
 * extend it, so a change that breaks a caller breaks its build. Records read unknown fields without complaint, so
 * a server may add one before its callers know it (rolling upgrades). The JSON form of every record is pinned by
 * {@code ContractWireFormTest}.
 */
package io.hyperai.contracts;
