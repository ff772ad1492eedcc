SELECT E'a\';b';
SELECT 'c\';
