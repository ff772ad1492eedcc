# bash completion for git-migrate: `git migrate <TAB>`.
#
# git's own completion (the git package's /usr/share/bash-completion/completions/git)
# completes `git migrate ...` by calling _git_migrate, which it first loads with
# bash-completion's `_completion_loader git-migrate`. So install this file as
# $PREFIX/share/bash-completion/completions/git-migrate (`make install` does); that
# directory is searched for PREFIX=/usr/local, /usr and ~/.local, and for others when
# $PREFIX/share is in XDG_DATA_DIRS. Or source it from ~/.bashrc.
#
# Nothing git-migrate can tell is listed here, so the completion cannot drift from the
# binary: the commands come from `git migrate -h`, each command's long options from
# `git migrate <command> -h` (read once per shell), and revision ids from
# `git migrate history`. tests/cli/t0005-completion.sh checks the result.

# The commands: the "commands:" block of `git migrate -h`.
__git_migrate_commands ()
{
	if [ -z "${__git_migrate_cmds-}" ]; then
		__git_migrate_cmds="$(__git migrate -h |
			sed -n '/^commands:$/,/^$/s/^    \([a-z][a-z0-9-]*\) .*/\1/p')"
	fi
	echo "$__git_migrate_cmds"
}

# The long options of `git migrate [<command>] -h`, one word each; an option that takes
# a value ("--rev <ref>", "--color[=<when>]") is given as "--rev=".
__git_migrate_options ()
{
	local var="__git_migrate_opts_${1//[^a-z0-9]/_}" line name opts=
	if [ -z "${!var-}" ]; then
		while IFS= read -r line; do
			case "$line" in
			"    -"?", --"*) line="${line#    -?, }" ;;
			"    --"*) line="${line#    }" ;;
			*) continue ;;
			esac
			name="${line%%[ =[]*}"
			case "${line#"$name"}" in
			" <"* | "=<"* | "[=<"*) name="$name=" ;;
			esac
			opts="$opts $name"
		done <<-EOF_USAGE
		$(__git migrate ${1:+"$1"} -h)
		EOF_USAGE
		printf -v "$var" '%s' "${opts# }"
	fi
	echo "${!var}"
}

# The ids of the chain, newest first: the first field of `git migrate history`, read
# from the worktree or from the git revision given as $1.
__git_migrate_revisions ()
{
	local id rest
	__git migrate --color=never history ${1:+--rev="$1"} |
	while read -r id rest; do
		echo "$id"
	done
}

_git_migrate ()
{
	local c=$((${__git_cmd_idx:-1} + 1)) word command= rev=

	# The command: the first word after `migrate` that is neither an option nor the
	# value of --config; then the --rev a command was given, for the ids of `show`.
	while [ $c -lt $cword ]; do
		word="${words[c]}"
		case "$word" in
		--config) c=$((c + 1)) ;;
		-*) ;;
		*) command="$word"; break ;;
		esac
		c=$((c + 1))
	done
	while [ $c -lt $cword ]; do
		case "${words[c]}" in
		--rev) rev="${words[c + 1]}" ;;
		--rev=*) rev="${words[c]#--rev=}" ;;
		esac
		c=$((c + 1))
	done

	# The value of an option, given as the next word or after '='.
	case "$prev" in
	--production | --rev)
		__git_complete_refs
		return
		;;
	--format)
		[ "$command" = verify ] && __gitcomp "text json github junit"
		return
		;;
	--from-database)
		__gitcomp_nl "$(printf 'sqlite:///\npostgresql://')" "" "$cur" ""
		return
		;;
	--config | -m)
		return # a file (bash's default completion), a message
		;;
	--*)
		case " $(__git_migrate_options "$command") " in
		*" $prev= "*) return ;; # another option's value: nothing to list
		esac
		;;
	esac
	case "$cur" in
	--production=* | --rev=*)
		__git_complete_refs --cur="${cur#*=}"
		return
		;;
	--color=*)
		__gitcomp "auto always never" "" "${cur#*=}"
		return
		;;
	--from-database=*)
		__gitcomp_nl "$(printf 'sqlite:///\npostgresql://')" "" "${cur#*=}" ""
		return
		;;
	--format=*)
		[ "$command" = verify ] && __gitcomp "text json github junit" "" "${cur#*=}"
		return
		;;
	--*=*)
		return
		;;
	-*)
		__gitcomp "$(__git_migrate_options "$command")"
		return
		;;
	esac

	case "$command" in
	"")
		__gitcomp "$(__git_migrate_commands)"
		;;
	help)
		__gitcomp "$(__git_migrate_commands)"
		;;
	show | upgrade | downgrade | stamp)
		__gitcomp_nl "$(__git_migrate_revisions "$rev")"
		;;
	cache)
		__gitcomp "list clear"
		;;
	import)
		__gitcomp "alembic"
		;;
	esac
}
