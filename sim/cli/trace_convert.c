// SPDX-License-Identifier: MIT
/*
 * trace_convert.c - futexsim trace convert: a trace from one form to the
 * other (workloads/FORMAT.md), losslessly, whole or not at all.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "trace/trace.h"

#define CMD "trace convert"

static const char usage_text[] =
"usage: futexsim trace convert IN -o OUT [--text|--binary]\n"
"\n"
"Converts a trace between its text and binary forms (workloads/FORMAT.md)\n"
"without loss.  The output is the other form than the input's unless\n"
"--text or --binary says.  OUT is written whole or not at all; '-' is\n"
"standard output.  IN '-' reads text from standard input.\n";

/**
 * fx_trace_cmd_convert - futexsim trace convert IN -o OUT [--text|--binary]
 * @argc, @argv: the arguments, argv[0] "convert"
 *
 * Return: the exit status: 0, or 2 (bad usage, bad input, write failure).
 */
int fx_trace_cmd_convert(int argc, char **argv)
{
	static const struct option lopts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "text", no_argument, NULL, 't' },
		{ "binary", no_argument, NULL, 'b' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct fx_trace_reader *r;
	struct fx_trace_writer *w;
	struct fx_trace_meta meta;
	struct fx_trace_rec rec;
	const char *out = NULL;
	int form = -1;		/* -1: the other one, 0 text, 1 binary */
	char err[512];
	int c, rc;

	optind = 1;
	while ((c = getopt_long(argc, argv, "ho:", lopts, NULL)) != -1) {
		switch (c) {
		case 'o':
			out = optarg;
			break;
		case 't':
		case 'b':
			if (form != -1 && form != (c == 'b'))
				return fx_cli_error(CMD, "--text and --binary exclude each other");
			form = c == 'b';
			break;
		case 'h':
			fputs(usage_text, stdout);
			return 0;
		default:
			fputs(usage_text, stderr);
			return 2;
		}
	}
	if (optind != argc - 1 || !out) {
		fputs(usage_text, stderr);
		return 2;
	}
	if (fx_trace_open(argv[optind], &r, &meta, err, sizeof(err))) {
		fprintf(stderr, "futexsim %s: %s\n", CMD, err);
		return 2;
	}
	if (form == -1)
		form = !fx_trace_binary(r);
	if (form == 1 && !strcmp(out, "-")) {
		fx_trace_close(r);
		return fx_cli_error(CMD, "will not write the binary form to standard output");
	}
	if (fx_trace_create(out, form, &meta, &w, err, sizeof(err))) {
		fx_trace_close(r);
		fprintf(stderr, "futexsim %s: %s\n", CMD, err);
		return 2;
	}
	while ((rc = fx_trace_next(r, &rec, err, sizeof(err))) > 0) {
		rc = fx_trace_write(w, &rec);
		if (rc) {
			snprintf(err, sizeof(err), "%s: write failed: %s", out,
				 strerror(-rc));
			break;
		}
	}
	fx_trace_close(r);
	if (rc) {
		fx_trace_abort(w);
		fprintf(stderr, "futexsim %s: %s\n", CMD, err);
		return 2;
	}
	if (fx_trace_commit(w, err, sizeof(err))) {
		fprintf(stderr, "futexsim %s: %s\n", CMD, err);
		return 2;
	}
	return 0;
}
