-- revision: m1
-- down_revision: a, b
-- transaction: false
-- ticket: X-1
-- +migrate up
A;
-- +migrate commit
B;
