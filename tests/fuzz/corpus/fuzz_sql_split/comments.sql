-- one
-- two
/* three
four */
  INSERT INTO t VALUES (1);
SELECT 1 -- a; b
, 2 /* c; d */;
SELECT 3;