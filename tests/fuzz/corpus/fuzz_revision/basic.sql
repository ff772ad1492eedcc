-- git-migrate revision
-- revision: 3f2a9c1b7e10
-- down_revision: 1a2b3c4d5e6f
-- message: add BTC to deal currency
-- created: 2026-11-25T21:39:00Z

-- +migrate up
ALTER TYPE dealcurrency ADD VALUE IF NOT EXISTS 'BTC';

-- +migrate down
SELECT 1;
