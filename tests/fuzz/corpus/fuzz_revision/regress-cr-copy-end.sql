-- revision:02
-- down_revision:00
-- +migrate up
§§ie up
§§§;COPY  tY t FRƒƒƒƒƒƒƒƒƒƒƒƒƒƒƒƒƒƒƒƒƒƒƒƒƒOM stdin;
\.
;§;COPY t FROM stdin;
;
\.;
\.
È;COPY tD;COPY t FROM stdin;
\.
;;C;©©©©©©©©©©©©©©©©©©©©©©©©©©©©©©©©©©©©©©©©©©©©©©©©©©©©©©©©©©©©©©©©©©©©©©©©©©©©©©©©©©©©©©©©©©©©©©©©©©©COPY tD;COPY din;
\.

;;;COPY t FROM stdin;
\.
;§;COPY t .
;;COPY t FROM stdin;
\.
t FROM +do@n;
\.
;;OPY tD;COPY t FtD;COPY t FROM stdin;
\.
;;COPY t FROM stdin;
\.
t FROM stdiî;
\.
;;COPY tD;M;;COPY t FROM stdin;
\.
--\.
;;COPY tD;M;;COPY t FROM stdin;
\.
--ae: 
;§;COPY t .
;;COPY t FROM spdin;
\.-- revision:00
-- down_revision: a0
-- +mi
 stdCREATE TRIY tD;COPY t  stdiî;
\.
;;COPY tD;M;;COPY t FROM stdin;
\.
--ae: 
;§;COPY t .
;;COPY t Fision:00gra
-- downROM spdin;
DÌõPte up
CFT]  NEW;d;
END;
o