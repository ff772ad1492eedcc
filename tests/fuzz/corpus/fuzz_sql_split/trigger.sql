CREATE TRIGGER tr AFTER INSERT ON t BEGIN
  UPDATE u SET n = n + 1;
  UPDATE u SET m = CASE WHEN 1 THEN 2 ELSE 3 END;
END;
SELECT 1;
create temp trigger if not exists tr before delete on t when case when old.x then 1 end begin select raise(abort, 'no;'); end;select 2