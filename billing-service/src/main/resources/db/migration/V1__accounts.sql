-- Prepaid balances in integer minor units. Users without a row have a zero balance.
CREATE TABLE billing_account (
    user_id       VARCHAR(200) PRIMARY KEY,
    balance_minor BIGINT       NOT NULL,
    currency      VARCHAR(3)   NOT NULL,
    updated_at    TIMESTAMPTZ  NOT NULL DEFAULT now()
);
