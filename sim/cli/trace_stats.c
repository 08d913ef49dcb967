// SPDX-License-Identifier: MIT
/*
 * trace_stats.c - "futexsim trace stats FILE [--json]": what a trace's
 * futex use looks like (sim/trace/tstats.h, docs/trace-replay.md).
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "trace/trace.h"
#include "trace/tstats.h"

#define CMD "trace stats"

static const char stats_usage[] =
	"usage: futexsim trace stats FILE [--json]\n"
	"  Futex calls by op and flag, distinct keys, returns by errno,\n"
	"  per-thread call rates, threads blocked in a wait over time and the\n"
	"  blocked-time distribution of a trace (text or binary form; '-' reads\n"
	"  text from stdin).  Fields: docs/trace-replay.md.\n"
	"  --json   machine-readable output\n";

int fx_trace_cmd_stats(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct fx_trace_reader *rd = NULL;
	struct fx_trace_meta meta;
	struct fx_trace_rec rec;
	struct fx_tstats s;
	bool json = false;
	char err[512];
	const char *path;
	int c, ret;

	optind = 1;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'j':
			json = true;
			break;
		case 'h':
			fputs(stats_usage, stdout);
			return 0;
		default:
			fputs(stats_usage, stderr);
			return 2;
		}
	}
	if (optind >= argc)
		return fx_cli_error(CMD, "expected a trace FILE (see --help)");
	path = argv[optind++];
	if (optind < argc)
		return fx_cli_error(CMD, "unexpected argument '%s' (see --help)",
				    argv[optind]);
	if (fx_trace_open(path, &rd, &meta, err, sizeof(err)))
		return fx_cli_error(CMD, "%s", err);
	if (fx_tstats_init(&s)) {
		fx_trace_close(rd);
		return fx_cli_error(CMD, "out of memory");
	}
	for (unsigned long long n = 1; (ret = fx_trace_next(rd, &rec, err, sizeof(err))) == 1; n++) {
		ret = fx_tstats_add(&s, &rec);
		if (ret == -EINVAL) {
			snprintf(err, sizeof(err), "%s: record %llu: entry time goes backwards (expected records in time order)",
				 path, n);
			break;
		} else if (ret) {
			snprintf(err, sizeof(err), "%s", strerror(-ret));
			break;
		}
	}
	fx_trace_close(rd);
	if (ret < 0) {
		fx_tstats_free(&s);
		return fx_cli_error(CMD, "%s", err);
	}
	fx_tstats_finish(&s);
	if (!json)
		printf("# trace %s: host %s, kernel %s, source %s, program %s\n",
		       path, meta.host, meta.kernel, meta.source, meta.program);
	fx_tstats_print(stdout, &s, json);
	fx_tstats_free(&s);
	return 0;
}
