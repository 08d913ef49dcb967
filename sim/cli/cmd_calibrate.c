// SPDX-License-Identifier: MIT
/*
 * cmd_calibrate.c - futexsim calibrate: a cost profile for a host from
 * the results of "make bench" on it (sim/calib.c, docs/calibration.md).
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "benchres.h"
#include "calib.h"
#include "cli.h"

#define CMD "calibrate"

static const char usage_text[] =
"usage: futexsim calibrate RESULTS_DIR [-o FILE.prof] [-q]\n"
"\n"
"Derives a cost profile for the host that \"make bench\" measured from\n"
"RESULTS_DIR/bench.csv (a results/bench/<host>-<date>/ directory, or the\n"
"bench.csv itself).  It starts from the built-in profile and overrides\n"
"each parameter the measurements determine; each overridden line says\n"
"\"calibrated: HOST KERNEL DATE, benchmark/metric and formula\", and a\n"
"parameter whose benchmark is missing keeps its built-in value and says\n"
"\"not measured\".  docs/calibration.md gives every formula.\n"
"\n"
"  -o, --out FILE  write the profile there (whole or not at all) and\n"
"                  print what was derived; without -o the profile goes\n"
"                  to stdout and the summary to stderr\n"
"  -q, --quiet     no summary\n"
"\n"
"Use the profile with futexsim run --cost-file FILE, or futexsim validate\n"
"RESULTS_DIR --profile FILE.\n";

int fx_cli_calibrate(int argc, char **argv)
{
	static const struct option lopts[] = {
		{ "out", required_argument, NULL, 'o' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct fx_benchres_set set = { 0 };
	struct fx_calib *cal = NULL;
	const char *out = NULL, *dir;
	char err[512], date[40], *tmp = NULL;
	bool quiet = false;
	FILE *f = NULL;
	int c, ret;

	optind = 1;
	while ((c = getopt_long(argc, argv, "o:qh", lopts, NULL)) != -1) {
		switch (c) {
		case 'o':
			out = optarg;
			break;
		case 'q':
			quiet = true;
			break;
		case 'h':
			fputs(usage_text, stdout);
			return 0;
		default:
			fputs(usage_text, stderr);
			return 2;
		}
	}
	if (optind != argc - 1) {
		fputs(usage_text, stderr);
		return fx_cli_error(CMD, "expected one RESULTS_DIR, got %d argument(s)",
				    argc - optind);
	}
	dir = argv[optind];
	if (fx_benchres_load(dir, &set, err, sizeof(err)) < 0)
		return fx_cli_error(CMD, "%s", err);
	cal = malloc(sizeof(*cal));
	if (!cal) {
		ret = fx_cli_error(CMD, "out of memory");
		goto out;
	}
	fx_calib_date(dir, date, sizeof(date));
	if (fx_calib_derive(&set, date, cal, err, sizeof(err))) {
		ret = fx_cli_error(CMD, "%s", err);
		goto out;
	}
	if (!out) {
		ret = fx_calib_write(cal, stdout) ? fx_cli_error(CMD, "write failed") : 0;
		if (!ret && !quiet)
			fx_calib_print(cal, stderr);
		goto out;
	}
	if ((ret = fx_cli_tmpfile(CMD, out, &tmp, &f)))
		goto out;
	if (fx_calib_write(cal, f)) {
		fclose(f);
		unlink(tmp);
		free(tmp);
		ret = fx_cli_error(CMD, "'%s': write failed", out);
		goto out;
	}
	if ((ret = fx_cli_tmpfile_close(CMD, out, tmp, f)))
		goto out;
	if ((ret = fx_cli_tmpfile_commit(CMD, out, tmp)))
		goto out;
	if (!quiet) {
		fx_calib_print(cal, stdout);
		printf("futexsim calibrate: %s -> %s\n", set.path, out);
	}
out:
	free(cal);
	fx_benchres_free(&set);
	return ret;
}
