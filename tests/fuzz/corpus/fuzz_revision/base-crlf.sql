-- revision: a00000000001
-- down_revision:

-- +migrate up
CREATE TABLE t (id integer);
-- +migrate down
DROP TABLE t;
