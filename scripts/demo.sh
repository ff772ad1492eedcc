#!/bin/sh
# The README's main job, end to end on SQLite: a CRM repository whose `production` branch
# holds the migrations, a working branch that changes the models (BTC added to the
# dealcurrency enum, a new contact_events table reusing it), and `git migrate prepare`
# writing the next revision — chained onto production's history, tested up/down/up on
# the production fixtures (which first catch a change the rows cannot take); then deploys
# it: `upgrade` on the target database, and `status`.
set -e
GM_BUILD=${GM_BUILD:-$(cd "$(dirname "$0")/../build" && pwd)}
PATH="$GM_BUILD:$PATH"
export PATH
DEMO_DIR=${DEMO_DIR:-$(mktemp -d "${TMPDIR:-/tmp}/git-migrate-demo.XXXXXX")}
mkdir -p "$DEMO_DIR"
cd "$DEMO_DIR"
if test -e .git; then
	echo "fatal: $DEMO_DIR already holds a repository" >&2
	exit 2
fi

step() { printf '\n\033[1m$ %s\033[m\n' "$*"; }
run() { step "$*"; "$@"; }

git init -q -b production
git config user.name "Demo"; git config user.email "demo@example.com"
mkdir -p models
cat >models/crm.yml <<'YAML'
enums:
  dealcurrency: [USD, EUR, AED, GBP]

tables:
  contacts:
    columns:
      id:    {type: integer, primary_key: true}
      email: {type: varchar(200), null: false, unique: true}
      name:  text
  deals:
    comment: Sales deals
    columns:
      id:         {type: integer, primary_key: true}
      title:      {type: varchar(120), null: false}
      amount:     {type: numeric(12,2), null: false, default: 0}
      currency:   {type: dealcurrency, null: false, default: USD}
      contact_id: {type: integer, references: contacts(id), on_delete: cascade}
      created_at: {type: timestamp, null: false, default_sql: CURRENT_TIMESTAMP}
    indexes:
      - {columns: [title]}
    checks:
      amount_positive: amount >= 0
YAML
printf 'production: production\nmigrations: migrations/versions\nmodels: [models/*.yml]\n' >.gitmigrate.yml
git add -A && git commit -q -m "CRM models"

echo "A CRM repository in $DEMO_DIR, on its production branch."
run git migrate prepare -m "initial schema"
git add -A && git commit -q -m "initial migration"

# Production-like rows: every revision prepare writes is tested on them.
mkdir -p data
printf 'id,email,name\n1,ana@example.com,Ana\n2,"bo@example.com","Bo, Jr."\n' >data/contacts.csv
cat >data/deals.yml <<'YAML'
deals:
  - {id: 1, title: Kickoff, amount: 1200.50, currency: EUR, contact_id: 1}
  - {id: 2, title: Renewal, amount: 300, currency: GBP, contact_id: 2}
  - {id: 3, title: Upsell, amount: 99.99, currency: USD, contact_id: 2}
YAML
git add -A && git commit -q -m "fixtures"
step "ls data   # fixtures on production: 2 contacts, 3 deals"
ls data

step "git switch -c add-btc   # a feature branch: BTC, and contact events reusing dealcurrency"
git switch -q -c add-btc
cat >>models/crm.yml <<'YAML'
  contact_events:
    columns:
      id:         {type: integer, primary_key: true}
      contact_id: {type: integer, null: false, references: contacts(id)}
      kind:       {type: varchar(40), null: false}
      currency:   {type: dealcurrency, null: false, default: EUR}
YAML
sed -i 's/dealcurrency: \[USD, EUR, AED, GBP\]/dealcurrency: [USD, EUR, AED, GBP, BTC]/' models/crm.yml
git commit -q -am "BTC and contact events"
run git diff HEAD~1 --stat
run git migrate diff || true

step "# first, a change the production rows cannot take: deals.priority NOT NULL, no default"
sed -i 's/^      created_at: .*/&\n      priority:   {type: integer, null: false}/' models/crm.yml
run git migrate prepare || echo "(exit $? — nothing was written)"
step "# give it a default, and prepare again"
sed -i 's/      priority:   {type: integer, null: false}/      priority:   {type: integer, null: false, default: 0}/' models/crm.yml
git commit -q -am "deal priority"
run git migrate prepare
step "cat migrations/versions/*_add_*.sql"
cat migrations/versions/*_add_*.sql
run git migrate history --graph
run git migrate verify
step "# deploy: apply the chain to the target database ('database:', default sqlite:///app.db)"
run git migrate upgrade
run git migrate status
printf '\nThe demo repository stays in %s\n' "$DEMO_DIR"
