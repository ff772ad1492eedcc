--revision: 8p7c4
-- down_revision:gnla
-- +migrate up
Ausle ÿÿÿQ- revision:00000000001
-- down_revision: 222222222222222222222222222222222b22222222220000000001
-- +migrate