-- What execution-service knows of each owner's standing for a start, learned from storage's and billing's events and
-- from their answers to admission calls (AdmissionFacts). Per fact: whether it refuses a start, and the time that
-- information is from (the event's time, or when the call was sent); newer information replaces older only. A fact
-- never learned is NULL. A start is admitted from this row only when every fact of a check allows it and is younger
-- than hyperai.execution.admission.max-age; anything else asks the service.
CREATE TABLE owner_admission (
    owner_id          TEXT PRIMARY KEY,
    storage_blocked   BOOLEAN,
    storage_at        TIMESTAMPTZ,
    balance_exhausted BOOLEAN,
    balance_at        TIMESTAMPTZ,
    cap_reached       BOOLEAN,
    cap_at            TIMESTAMPTZ
);
