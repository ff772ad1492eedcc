/*
 * The replay session's insides, shared by replay.c (the scratch database, the snapshot
 * cache, the replay) and replay_models.c (the models' desired schema and its cache).
 * Internal to those two files.
 */
#ifndef GM_CORE_REPLAY_INT_H
#define GM_CORE_REPLAY_INT_H
#include <time.h>
#include "git-migrate/buf.h"
#include "cache.h"
#include "replay.h"
#include "scratch.h"

struct gm_replay {
	gm_repo *repo;
	const gm_config *cfg;
	gm_replay_opts opts;
	gm_url *server;      /* the scratch server */
	gm_scratch *scratch; /* the database, when the session made it */
	gm_conn *conn;       /* the open connection (the scratch's) */
	/* A connection to the server that keys the caches while there is no scratch database
	 * yet (PostgreSQL: the scratch is made as a copy of the entry; gm_cache_server_conn). */
	gm_conn *keyconn;
	gm_fixtures_report fixtures;
	bool fixtures_loaded;
	struct timespec mark; /* the phase clock */
	gm_replay_phase_time phases[GM_PHASES_MAX];
	size_t phases_nr;
	gm_buf cache_note; /* what the snapshot cache did */
	struct models_ahead {
		bool started;       /* gm_replay_models_start ran, for gm_replay_models */
		gm_schema *models;  /* loaded and normalized */
		gm_schema *desired; /* a models-cache hit */
		bool reading;       /* the entry's read was started, for models_finish */
		gm_buf sql;         /* the models planned from an empty schema */
		gm_cache *mc;       /* where a build is saved (NULL: off) */
		gm_scratch *s;      /* the database the DDL is running on (exec_send) */
		bool ddl_waited;    /* gm_replay_models_prefetch waited for it: ddl_result */
		int ddl_result;     /* what exec_wait returned (its error cleared) */
		gm_buf note;        /* the -v line about the models cache, said afterwards */
		bool gone;          /* gm_replay_models_go ran */
		int error;          /* gm_replay_models_go's (an interrupt) */
	} ahead;
	/* The schema of the database as the snapshot cache's check read it, for the first
	 * gm_replay_inspect when nothing ran since (dropped by anything that changes it). */
	gm_schema *known;
	/* The models' scratch database, its drop started when its schema was read
	 * (gm_scratch_drop_background): waited for when the run ends. */
	gm_scratch *spent;
};

/* The connection that keys the caches: the scratch's, or the server's before there is
 * one (rp->keyconn). Borrowed. */
gm_conn *gm_replay_key_conn(gm_replay *rp);

/*
 * With opts.models_ahead, on a dialect that runs SQL in the background (PostgreSQL): load
 * and plan the models and key their cache, before the replay; gm_replay_models_go does
 * the rest. Failures are left to gm_replay_models (< 0 only on an interrupt).
 */
int gm_replay_models_start(gm_replay *rp);

/* The rest of gm_replay_models_start: the models entry read, or the models' DDL sent to
 * a new scratch database. Once; an interrupt is kept in rp->ahead.error. */
void gm_replay_models_go(gm_replay *rp);

/* Release what gm_replay_models_start left (cancelling DDL still running). */
void gm_replay_models_release(gm_replay *rp);

#endif
