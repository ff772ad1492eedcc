COPY public.actor (id, name) FROM stdin;
1	O'Brien; Pat
2	"x
\.
SELECT 1;
