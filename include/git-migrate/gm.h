/* git-migrate: umbrella header of the core library. */
#ifndef GM_GM_H
#define GM_GM_H

#ifndef GM_VERSION
#define GM_VERSION "0.1.0"
#endif

#include "git-migrate/alloc.h"
#include "git-migrate/buf.h"
#include "git-migrate/vec.h"
#include "git-migrate/error.h"
#include "git-migrate/finding.h"
#include "git-migrate/config.h"
#include "git-migrate/repo.h"
#include "git-migrate/revision.h"
#include "git-migrate/schema.h"
#include "git-migrate/diff.h"
#include "git-migrate/db.h"
#include "git-migrate/deploy.h"
#include "git-migrate/prepare.h"
#include "git-migrate/fixtures.h"

#endif
