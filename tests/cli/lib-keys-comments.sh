# Helpers of the tests of comments on indexes and constraints in YAML models (t0245, t0246).

# keys_models <file> [exclusion]: models of tables owners and pets whose primary keys,
# unique index, foreign key and check pets_legs have comments (check pets_small has none);
# with `exclusion`, also pets.fed (int4range) and its exclusion constraint pets_fed, with
# a comment (PostgreSQL).
keys_models() {
	{
		cat <<-\EOF
		tables:
		  owners:
		    columns:
		      id: integer
		      email: text
		    primary_key: {columns: [id], comment: the owner}
		    indexes:
		      - {name: owners_email_idx, columns: [email], unique: true, comment: one address each}
		  pets:
		    columns:
		      id: {type: integer, primary_key: true}
		      owner_id: {type: integer, null: false}
		      legs: {type: integer, null: false}
		EOF
		test "$2" = exclusion && echo "      fed: int4range"
		cat <<-\EOF
		    foreign_keys:
		      - {columns: [owner_id], references: {table: owners, columns: [id]}, comment: who feeds it}
		    checks:
		      pets_legs: {check: legs >= 0, comment: no negative legs}
		      pets_small: legs < 100
		EOF
		test "$2" = exclusion &&
			printf '    exclusions:\n      pets_fed: {exclude: "USING gist (fed WITH &&)", comment: one meal at a time}\n'
	} >"$1"
}
