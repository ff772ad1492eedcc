-- git-migrate revision
-- revision: a00000000002
-- down_revision: a00000000001

-- +migrate up
ALTER TYPE e ADD VALUE 'x';
-- +migrate commit
UPDATE t SET c = 'x';
  -- +migrate commit  
SELECT 1;
-- +migrate down
