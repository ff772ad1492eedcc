INSERT INTO t VALUES ('a;b', 'it''s;');
SELECT "we;ird" FROM [x;y] JOIN `p;q`;
