INSERT INTO owners VALUES (1, 'ann@example.com');
INSERT INTO pets VALUES (1, 1, 4, '[1,5)');
