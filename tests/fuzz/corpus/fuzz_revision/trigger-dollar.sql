-- revision: b00000000001
-- down_revision: a00000000001
-- +migrate up
CREATE FUNCTION f() RETURNS trigger AS $body$
BEGIN
  x := '$$';
  RETURN NEW;
END;
$body$ LANGUAGE plpgsql;
CREATE TRIGGER tr AFTER INSERT ON t BEGIN
  UPDATE u SET n = n + 1;
END;
-- +migrate down
DROP FUNCTION f();
